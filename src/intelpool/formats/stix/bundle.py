"""Streaming a STIX bundle in two passes, so memory stays flat whatever the file's size.

The first pass checks the bundle's shape (its top-level keys may come in any order) and
learns what objects need from each other: marking definitions, the time windows observed
data gives the objects it references, and the addresses network traffic points at. The
second pass yields the objects one by one. What the first pass keeps grows with the number
of marking definitions and of such references, never with the objects themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

import ijson

from intelpool.errors import InvalidInput
from intelpool.formats.stix.markings import MarkingTable

Window = tuple[datetime | None, datetime | None]


def parse_time(value: Any) -> datetime | None:
    """A STIX timestamp as an aware UTC datetime; None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class AddressBook:
    """Values of the address objects network traffic refers to, and only those."""

    def __init__(self) -> None:
        self.wanted: set[str] = set()
        self.values: dict[str, str] = {}

    def want(self, traffic: dict[str, Any]) -> None:
        ref = traffic.get("dst_ref")
        if isinstance(ref, str):
            self.wanted.add(ref)

    def offer(self, address: dict[str, Any]) -> None:
        ident = address.get("id")
        if isinstance(ident, str) and ident in self.wanted and "value" in address:
            self.values[ident] = str(address["value"])

    def resolve(self, ref: Any) -> str | None:
        return self.values.get(ref) if isinstance(ref, str) else None


@dataclass(slots=True)
class Knowledge:
    """What the first pass learnt; the second pass reads objects with it."""

    markings: MarkingTable = field(default_factory=MarkingTable)
    # Object id -> the widest window of the observed-data objects referencing it (STIX 2.1).
    windows: dict[str, Window] = field(default_factory=dict)
    addresses: AddressBook = field(default_factory=AddressBook)
    themes: dict[str, None] = field(default_factory=dict)
    tags: dict[str, None] = field(default_factory=dict)  # dicts keep first-seen order
    evaluations: set[tuple[str, str, str]] = field(default_factory=set)

    def learn(self, obj: dict[str, Any]) -> None:
        kind = obj.get("type")
        if kind == "marking-definition":
            self.markings.learn(obj)
        elif kind == "observed-data" and isinstance(obj.get("object_refs"), list):
            window = (parse_time(obj.get("first_observed")), parse_time(obj.get("last_observed")))
            for ref in obj["object_refs"]:
                if isinstance(ref, str):
                    self.windows[ref] = _widest(self.windows.get(ref), window)
        elif kind == "network-traffic":
            self.addresses.want(obj)
        elif kind in ("ipv4-addr", "ipv6-addr"):
            self.addresses.offer(obj)
        self._learn_intelpool(obj)

    def _learn_intelpool(self, obj: dict[str, Any]) -> None:
        themes = obj.get("x_intelpool_themes")
        if isinstance(themes, list):
            self.themes.update((t, None) for t in themes if isinstance(t, str))
        tags = obj.get("x_intelpool_tags")
        if isinstance(tags, list):
            self.tags.update((t, None) for t in tags if isinstance(t, str))
        evaluation = obj.get("x_intelpool_evaluation")
        if isinstance(evaluation, dict):
            scheme, rel, cred = (str(evaluation.get(k) or "")
                                 for k in ("scheme", "reliability", "credibility"))
            self.evaluations.add((scheme, rel, cred))


def _widest(old: Window | None, new: Window) -> Window:
    if old is None:
        return new
    first = min((t for t in (old[0], new[0]) if t), default=None)
    last = max((t for t in (old[1], new[1]) if t), default=None)
    return first, last


def first_pass(stream: IO[bytes]) -> Knowledge:
    """Check that ``stream`` holds a STIX bundle and learn from all its objects."""
    header = _header(stream)
    if header.get("root") != "start_map":
        raise InvalidInput("not a STIX bundle: the file is not a JSON object")
    if header.get("type") != "bundle":
        found = header.get("type")
        raise InvalidInput("not a STIX bundle: " + (f"its type is {found!r}" if found
                                                     else 'it has no "type": "bundle"'))
    if header.get("objects") not in (None, "start_array"):
        raise InvalidInput("not a STIX bundle: its objects are not a JSON array")
    knowledge = Knowledge()
    stream.seek(0)
    with _json_errors():
        for obj in ijson.items(stream, "objects.item"):
            if isinstance(obj, dict):
                knowledge.learn(obj)
    return knowledge


def objects(stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """The bundle's objects with their index, read again from the start of ``stream``."""
    stream.seek(0)
    with _json_errors():
        yield from enumerate(ijson.items(stream, "objects.item", use_float=True))


def _header(stream: IO[bytes]) -> dict[str, Any]:
    """The root's JSON type, the bundle's ``type`` and how ``objects`` starts.

    Reading stops once both keys are seen, usually within the first bytes; a bundle that
    puts them after its objects is read to the end (keys may come in any order).
    """
    header: dict[str, Any] = {}
    with _json_errors():
        for prefix, event, value in ijson.parse(stream):
            if "root" not in header:
                header["root"] = event
                if event != "start_map":
                    break
            elif prefix == "type" and event not in ("start_map", "start_array", "map_key"):
                header["type"] = value
            elif prefix == "objects" and event != "end_array":
                header.setdefault("objects", event)
            if "type" in header and "objects" in header:
                break
    return header


@contextmanager
def _json_errors() -> Iterator[None]:
    """Turn the JSON parser's multi-line errors into one InvalidInput line."""
    try:
        yield
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"not valid JSON: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    detail = exc.args[0] if exc.args else ""
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    lines = [line.strip() for line in str(detail).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
