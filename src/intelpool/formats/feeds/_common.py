"""What several feed importers share: numbered lines and CSV rows, dates, rejections, malware.

A feed module turns one data line into records with a handler; a handler raises ``BadLine``
when the line cannot be used and ``each_line`` turns that into a ``Rejection`` of the whole
line, so a line gives either all its records or one rejection.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, NamedTuple

import ijson
import orjson

from intelpool.errors import InvalidInput
from intelpool.formats.records import (
    DocumentMeta,
    EntityRecord,
    Record,
    Rejection,
    RelationshipRecord,
)
from intelpool.formats.registry import SniffFn

SNIFF_SCORE = 0.8
_EMPTY = {"", "n/a", "none", "null", "-"}
_EMPTY_MAX = max(len(text) for text in _EMPTY)


class BadLine(Exception):
    """A data line that cannot be used; the message is the rejection reason."""


class Line(NamedTuple):  # a tuple: one is made per line of a feed, so it must be cheap
    """One data line (or CSV row, possibly spanning lines) and where it starts."""

    number: int
    text: str
    fields: tuple[str, ...] = ()

    @property
    def location(self) -> str:
        return f"line {self.number}"


def text_lines(stream: IO[bytes], comments: tuple[str, ...] = ("#",)) -> Iterator[Line | Rejection]:
    """Data lines with their numbers; blank and comment lines are skipped, bad UTF-8 rejected."""
    for number, raw in enumerate(stream, start=1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            # Only the line end goes: trailing tabs are empty fields in tab-separated feeds.
            text = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            yield Rejection(f"line {number}", raw[:200].decode("latin-1").strip(),
                            "not valid UTF-8")
            continue
        stripped = text.strip()
        if stripped and not stripped.startswith(comments):
            yield Line(number, text)


def csv_rows(
    stream: IO[bytes], comments: tuple[str, ...] = ("#",), delimiter: str = ","
) -> Iterator[Line | Rejection]:
    """The CSV fields of every data line.

    Each line is read on its own: no feed here quotes a line break, and a stray quote then
    spoils only its own line instead of swallowing the lines after it.
    """
    for item in text_lines(stream, comments):
        if isinstance(item, Rejection):
            yield item
            continue
        try:
            fields = next(csv.reader((item.text,), delimiter=delimiter, skipinitialspace=True))
        except csv.Error as exc:
            yield Rejection(item.location, item.text[:200], f"not valid CSV: {exc}")
            continue
        yield Line(item.number, item.text, tuple(field.strip() for field in fields))


def each_line(
    items: Iterable[Line | Rejection], handle: Callable[[Line], Iterable[Record]]
) -> Iterator[Record]:
    """Records of every line, or one rejection of a line its handler refuses."""
    for item in items:
        if isinstance(item, Rejection):
            yield item
            continue
        try:
            records = list(handle(item))
        except BadLine as exc:
            yield Rejection(item.location, item.text[:200], str(exc))
            continue
        yield from records


EntryHandler = Callable[[dict[str, object], str], Iterable[Record]]


def each_entry(stream: IO[bytes], name: str, handle: EntryHandler,
               shown: Callable[[dict[str, object]], object]) -> Iterator[Record]:
    """``each_line`` for a feed that is a JSON array of objects: the records of every entry
    (its location ``$[N]``), or one rejection of an entry that is not an object or that its
    handler refuses; a rejection shows ``shown(entry)``."""
    for index, item in enumerate(json_items(stream, "item", name, b"[")):
        location = f"$[{index}]"
        if not isinstance(item, dict):
            yield Rejection(location, str(item)[:200], "entry is not a JSON object")
            continue
        try:
            yield from list(handle(item, location))
        except BadLine as exc:
            yield Rejection(location, str(shown(item))[:200], str(exc))


def fields_between(line: Line, fields: list[str] | tuple[str, ...], low: int, high: int) -> None:
    """Raise ``BadLine`` unless the line has from ``low`` to ``high`` fields."""
    if not low <= len(fields) <= high:
        expected = str(high) if low == high else f"{low} to {high}"
        noun = "field" if len(fields) == 1 else "fields"
        raise BadLine(f"line has {len(fields)} {noun}, expected {expected}")


class Header:
    """The column names of a feed whose first row names them; rows become dicts by name."""

    def __init__(self, line: Line, feed: str, required: tuple[str | tuple[str, ...], ...]):
        self.names = tuple(name.strip().lower() for name in line.fields)
        for need in required:
            choices = need if isinstance(need, tuple) else (need,)
            if not any(choice in self.names for choice in choices):
                raise InvalidInput(
                    f"not a {feed}: the header line has no column {' or '.join(choices)!r}")

    def row(self, line: Line) -> dict[str, str]:
        fields_between(line, line.fields, len(self.names), len(self.names))
        return dict(zip(self.names, line.fields, strict=True))


def value(raw: object) -> str | None:
    """A field's (or JSON value's) text, or None for the feeds' many spellings of 'nothing'."""
    if raw is None:
        return None
    text = (raw if isinstance(raw, str) else str(raw)).strip()
    # Every spelling of "nothing" is short: most values skip the lower-casing.
    if len(text) <= _EMPTY_MAX and text.lower() in _EMPTY:
        return None
    return text


def json_line(line: Line) -> dict[str, object]:
    """The JSON object a JSON-lines feed holds on ``line``."""
    try:
        entry = orjson.loads(line.text)
    except orjson.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON: {exc}") from None
    if not isinstance(entry, dict):
        raise BadLine("line is not a JSON object")
    return entry


def parse_time(text: object, what: str) -> datetime | None:
    """An aware UTC datetime from the feeds' date forms; naive times are UTC, epochs allowed."""
    raw = value(text)
    if raw is None:
        return None
    try:
        if raw.isdigit():
            return datetime.fromtimestamp(int(raw), UTC)
        parsed = datetime.fromisoformat(raw.removesuffix(" UTC").removesuffix(" GMT"))
    except (ValueError, OverflowError):
        raise BadLine(f"bad date in {what}: {raw!r}") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def ip_type(address: str) -> str:
    """The type a feed's IP column states (the ingest service validates it)."""
    return "ipv6" if ":" in address else "ipv4"


def ip_port(address: str, port: str) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def split_tags(*texts: object, separators: str = ",") -> tuple[str, ...]:
    """Distinct non-empty tags from comma (or other) separated texts, in order."""
    out: dict[str, None] = {}
    for text in texts:
        raw = value(text)
        if raw is None:
            continue
        for sep in separators[1:]:
            raw = raw.replace(sep, separators[0])
        for tag in raw.split(separators[0]):
            tag = tag.strip()
            if value(tag) is not None:
                out[tag] = None
    return tuple(out)


class MalwareFamilies:
    """One malware entity per family and file, linked from the observations that indicate it."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def link(self, family: str | None, refs: Iterable[str], location: str,
             ref: str | None = None, aliases: tuple[str, ...] = ()) -> Iterator[Record]:
        name = value(family)
        if name is None or name.lower() in ("unknown", "unknown malware"):
            return
        entity_ref = ref or f"malware:{name.lower()}"
        if entity_ref not in self._seen:
            self._seen.add(entity_ref)
            yield EntityRecord(kind="malware", name=name, location=location, ref=entity_ref,
                               aliases=aliases)
        for source in refs:
            yield RelationshipRecord(type="indicates", source_ref=source, target_ref=entity_ref,
                                     location=location)


def themes_first(stream: IO[bytes], categories: Iterable[str],
                 theme_of: Callable[[str], str]) -> DocumentMeta:
    """The themes of a file's categories, read in a first pass; rewinds for the second."""
    themes = {theme_of(category): None for category in categories}
    stream.seek(0)
    return DocumentMeta(themes=tuple(themes))


def first_char(stream: IO[bytes]) -> bytes:
    """The file's first non-blank byte (after a BOM); the stream is rewound."""
    head = stream.read(4096).removeprefix(codecs.BOM_UTF8).lstrip()
    stream.seek(0)
    return head[:1]


def json_items(stream: IO[bytes], prefix: str, name: str, opener: bytes) -> Iterator[object]:
    """Stream the JSON values at ``prefix`` of a file that must open with ``opener``.

    A file that is not JSON, or not of that shape, is refused as a whole.
    """
    if first_char(stream) != opener:
        shape = "an array" if opener == b"[" else "an object"
        raise InvalidInput(f"not a {name} file: expected a JSON document that is {shape}")
    try:
        yield from ijson.items(stream, prefix, use_float=True)
    except ijson.JSONError as exc:
        raise InvalidInput(f"not a {name} file: invalid JSON ({exc})") from None


def sniff_all(*needles: bytes) -> SniffFn:
    """A sniffer that is sure when every one of ``needles`` is in the file's head."""

    def sniff(head: bytes) -> float:
        return SNIFF_SCORE if all(n in head for n in needles) else 0.0

    return sniff
