"""CSV / TSV with a header row: selector columns and their details, mapped by header name.

``--column FIELD=COLUMN`` (``ImportOptions.columns``) maps FIELD (value, type, role,
first_seen, last_seen, tags, comment, to_ids, tlp, pap, or an observable type for a typed
column: ``--column domain=host``); the rest is guessed from the header, case-insensitively,
except that a mapped selector column stops the guessing of others. Either one value column
(with an optional free-form type column) or typed columns (``src_ip``, ``domain``,
``sha256`` ...): each non-empty typed cell is an observation, linked to the row's first by
``related-to``; a role column names the first cell's role only. A ``tlp``/``pap`` column
(as the ``csv`` exporter writes) marks its row, so a re-imported export stays as strict as
it left. Lines starting with ``#`` are comments.
Rejected rows (with their line): too few fields, bad date, to_ids or marking, role over 64
characters, empty selector cell (``-``, ``?``, ``n/a``, ``null``, ``none`` are empty), bytes
not UTF-8 or NUL, an unreadable CSV row.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain, islice
from typing import IO, Any

from intelpool.access.handling import PAP, TLP
from intelpool.errors import HandlingError, InvalidInput
from intelpool.formats.records import (
    ImportOptions,
    Marking,
    ObservationRecord,
    Record,
    Rejection,
    RelationshipRecord,
)
from intelpool.formats.registry import SNIFF_BYTES, importer
from intelpool.observables import ObservableType
from intelpool.observables.settle import address_kind

DELIMITERS = (",", "\t", ";", "|")
IP = "ip"  # pseudo type: ipv4, ipv6, cidr or ip-port, told from the value
HOST = "host-name"  # pseudo type: a dotted name is a domain, a bare label a hostname
_DETECT = ""  # pseudo type: a column of mixed selectors, detected per value


@lru_cache(maxsize=4096)  # type labels repeat from row to row
def normalise_name(name: str) -> str:
    """``Source IP`` -> ``source_ip``: how header names and type labels are compared."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def _names(kind: str, names: str) -> dict[str, str]:
    return dict.fromkeys(names.split(), kind)


_VALUE_NAMES = "value indicator ioc observable selector indicator_value ioc_value"
_FIELD_NAMES = {  # guessed names per field, best first
    "type": "type kind indicator_type ioc_type observable_type value_type attribute_type",
    "first_seen": "first_seen firstseen first_seen_utc date_added dateadded date timestamp "
                  "time",
    "last_seen": "last_seen lastseen last_seen_utc last_online",
    "tags": "tags tag labels label malware malware_family",
    "role": "role",
    "comment": "comment comments description desc note notes",
    "to_ids": "to_ids toids ids",
    "tlp": "tlp",
    "pap": "pap",
}
FIELDS = ("value", *_FIELD_NAMES)
# Type names, normalised: typed header names (after a src_/dst_ ... prefix) and the free-form
# labels of a type column (MISP ip-dst, STIX ipv4-addr, OTX FileHash-SHA256 ...).
_SPELLINGS: dict[str, str] = {
    **{normalise_name(t.value): t.value for t in ObservableType},
    **_names(IP, "ip ip_address ipaddress ip_addr addr ipv4 ipv4_address ipv4_addr ipv6 "
                 "ipv6_address ipv6_addr ip_src ip_dst"),
    **_names("ip-port", "ip_src_port ip_dst_port ipport"),
    **_names("domain", "domain domain_name domainname fqdn"),
    **_names(HOST, "hostname host_name"),
    **_names(_DETECT, "host hash"),
    **_names("cidr", "cidr netblock subnet ip_range cidr_range"),
    **_names("url", "url uri link"),
    **_names("email", "email e_mail email_address email_addr mail email_src email_dst "
                      "email_reply_to"),
    **{f"{p}{h}{s}": h for h in ("md5", "sha1", "sha256", "sha512")
       for p in ("", "filehash_") for s in ("", "_hash", "sum")},
    **_names("filename", "filename file_name"),
    **_names("user-agent", "user_agent useragent"),
    **_names("ja3", "ja3 ja3_hash ja3_md5 ja3_fingerprint_md5"),
    **_names("x509-fingerprint", "x509_fingerprint_sha1 x509_fingerprint_sha256"),
    **_names("btc-wallet", "btc wallet btc_wallet btc_address bitcoin bitcoin_address"),
    **_names("eth-wallet", "eth eth_wallet eth_address ethereum"),
    **_names("xmr-wallet", "xmr xmr_wallet monero"),
    **_names("bic", "bic swift swift_code"),
    **_names("phone", "phone phone_number telephone msisdn"),
    **_names("asn", "asn as as_number autonomous_system"),
}
_PREFIXES = ("src_", "dst_", "source_", "destination_", "dest_", "remote_")
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
_NAME = re.compile(r"^[A-Za-z_][\w .()#-]{0,63}$")
_EPOCH = re.compile(r"^(\d{9,10}|\d{12,13})(\.\d+)?$")
_DATE_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
                 "%d.%m.%Y")
_TRUE, _FALSE = {"1", "true", "yes", "y", "t"}, {"0", "false", "no", "n", "f"}
_BLANKS = {"", "-", "?", "n/a", "null", "none"}  # how tables say "no value"


@dataclass(slots=True)
class _Columns:
    header: list[str]
    value: int | None = None
    typed: list[tuple[int, str]] = field(default_factory=list)  # (index, type or pseudo type)
    fields: dict[str, int] = field(default_factory=dict)


def column_type(name: str) -> str | None:
    """The selector type a header name states (``IP``/``_DETECT`` pseudo types), or None."""
    norm = normalise_name(name)
    for prefix in ("", *_PREFIXES):
        if norm.startswith(prefix) and norm[len(prefix):] in _SPELLINGS:
            return _SPELLINGS[norm[len(prefix):]]
    return None


def resolve(kind: str | None, value: str) -> str | None:
    """A pseudo type made concrete for ``value``; None leaves the type to detection."""
    if kind == IP:
        return address_kind(value.strip())
    if kind == HOST:
        return ObservableType.DOMAIN if "." in value else ObservableType.HOSTNAME
    return kind or None


def type_of(label: str, value: str) -> str | None:
    """Intelpool's type for a free-form type label; None leaves it to detection."""
    return resolve(_SPELLINGS.get(normalise_name(label)), value)


def parse_date(text: str) -> datetime:
    """ISO 8601, ``YYYY-MM-DD HH:MM:SS``, a few dotted/slashed forms, or epoch (milli)seconds;
    naive times are UTC. Raises ValueError."""
    t = text.strip().removesuffix(" UTC").removesuffix(" GMT")
    epoch = _EPOCH.match(t)
    if epoch:
        seconds = float(t) / (1000 if len(epoch.group(1)) > 10 else 1)
        return datetime.fromtimestamp(seconds, UTC)
    parsed = _from_formats(t)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _from_formats(text: str) -> datetime:
    with suppress(ValueError):
        return datetime.fromisoformat(text)
    for fmt in _DATE_FORMATS:
        with suppress(ValueError):
            return datetime.strptime(text, fmt)
    raise ValueError(f"{text!r} is not a date (use ISO 8601 or epoch seconds)")


@lru_cache(maxsize=4096)  # tag cells repeat from row to row
def split_tags(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.strip() for t in re.split(r"[,;|]", text) if t.strip()))


def _delimiter(options: ImportOptions, head: bytes) -> str:
    if options.delimiter is None:
        return guess_delimiter(_head_lines(head)) or ","
    given = _DELIMITER_NAMES.get(options.delimiter.lower(), options.delimiter)
    if len(given) != 1:
        raise InvalidInput(f"delimiter {options.delimiter!r}: give one character, or tab")
    return given


def _head_lines(head: bytes) -> list[str]:
    """The head's lines from the header on: leading blanks and ``#`` comments dropped, and a
    last line cut by the sniff window."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if len(head) >= SNIFF_BYTES and lines and not lines[-1].endswith("\n"):
        lines.pop()
    start = next((i for i, ln in enumerate(lines) if ln.strip() and ln[0] != "#"), len(lines))
    return lines[start:]


def _is_data(row: list[str]) -> bool:
    return bool(row) and any(c.strip() for c in row) and not row[0].startswith("#")


def _rows(lines: list[str], delimiter: str, limit: int = 21) -> list[list[str]]:
    return list(islice(filter(_is_data, csv.reader(lines, delimiter=delimiter)), limit))


def _consistent(rows: list[list[str]]) -> bool:
    """Most rows after the header have its field count (a stray bad row is allowed)."""
    matching = sum(len(r) == len(rows[0]) for r in rows[1:])
    return matching >= 0.8 * (len(rows) - 1)


def guess_delimiter(lines: list[str]) -> str | None:
    """The delimiter giving the header the most fields with (mostly) equal counts in the rows
    after, earlier candidates first on a tie; None when no candidate splits the header."""
    scored = []
    for rank, delimiter in enumerate(DELIMITERS):
        with suppress(csv.Error):
            rows = _rows(lines, delimiter)
            if rows and len(rows[0]) > 1:
                scored.append((_consistent(rows), len(rows[0]), -rank, delimiter))
    return max(scored)[3] if scored else None


def _looks_like_header(row: list[str]) -> bool:
    known = set(_VALUE_NAMES.split()) | {n for v in _FIELD_NAMES.values() for n in v.split()}
    for cell in row:
        if not _NAME.match(cell.strip()):
            return False
        # A dotted cell is a name only when its last part is one ("source.ip"), not a domain.
        last = normalise_name(cell.rsplit(".", 1)[-1])
        if "." in cell and last not in known and column_type(last) is None:
            return False
    return True


def _sniff(head: bytes) -> float:
    lines = _head_lines(head)
    delimiter = guess_delimiter(lines)
    rows = _rows(lines, delimiter) if delimiter else []
    return 0.3 if rows and _looks_like_header(rows[0]) and _consistent(rows) else 0.0


@importer("csv", "CSV or TSV with a header row; columns mapped by name or --column",
          sniff=_sniff)
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    delimiter = _delimiter(options, stream.read(SNIFF_BYTES))
    stream.seek(0)
    lines = (raw.decode("utf-8-sig", errors="replace") for raw in stream)
    skipped = 0
    for first in lines:
        if first.strip() and not first.startswith("#"):
            break
        skipped += 1
    else:
        raise InvalidInput("the file is empty: a CSV file needs a header row")
    reader = csv.reader(chain([first], lines), delimiter=delimiter)
    try:
        columns = map_columns(next(reader), options)
    except csv.Error as exc:
        why = "lines must end with LF or CRLF" if "new-line" in str(exc) else str(exc)
        raise InvalidInput(f"cannot read the CSV header (line {skipped + 1}): {why}") from None
    while True:
        line = skipped + reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Rejection(f"line {line}", "", f"unreadable CSV row: {exc}")
            continue
        if _is_data(row):
            yield from _row_records(row, line, columns, options)


def _find(header: list[str], column: str) -> int | None:
    for key in (str.strip, lambda s: s.strip().lower(), normalise_name):
        keys = [key(h) for h in header]
        if key(column) in keys:
            return keys.index(key(column))
    return None


def map_columns(header: list[str], options: ImportOptions) -> _Columns:
    """Explicit mapping first, guesses for the rest; InvalidInput when no selector column."""
    cols = _Columns(header)
    shown = ", ".join(repr(h) for h in header[:12]) + (" ..." if len(header) > 12 else "")
    for name, column in options.columns.items():
        key = normalise_name(name)
        index = _find(header, column)
        if index is None:
            raise InvalidInput(f"column mapping {name}={column}: no column {column!r} in the "
                               f"header ({shown})")
        if key == "value":
            cols.value = index
        elif key in FIELDS:
            cols.fields[key] = index
        elif key in _SPELLINGS:
            cols.typed.append((index, _SPELLINGS[key]))
        else:
            raise InvalidInput(f"column mapping {name}=...: unknown field; use one of "
                               f"{', '.join(FIELDS)} or an observable type (e.g. ipv4)")
    if cols.value is not None and cols.typed:
        raise InvalidInput("column mapping: map either value (with type) or typed columns, "
                           "not both")
    norms = [normalise_name(h) for h in header]
    explicit = cols.value is not None or bool(cols.typed)
    used = {i for i, _ in cols.typed} | set(cols.fields.values()) | {cols.value}
    if not explicit:
        cols.value = next((norms.index(n) for n in _VALUE_NAMES.split() if n in norms), None)
        used.add(cols.value)
    for key, names in _FIELD_NAMES.items():
        if key not in cols.fields:
            found = [norms.index(n) for n in names.split()
                     if n in norms and norms.index(n) not in used]
            if found:
                cols.fields[key] = found[0]
                used.add(found[0])
    if not explicit and cols.value is None:
        cols.typed = [(i, t) for i, h in enumerate(header)
                      if i not in used and (t := column_type(h)) is not None]
    if cols.value is None and not cols.typed:
        raise InvalidInput(f"no selector column found in the header ({shown}): map one as "
                           "value=COLUMN, or a typed one like ipv4=COLUMN")
    return cols


def _row_records(row: list[str], line: int, cols: _Columns,
                 options: ImportOptions) -> Iterator[Record]:
    location = f"line {line}"
    try:
        _check(row, len(cols.header))
        details = _details(row, cols)
    except ValueError as exc:
        yield Rejection(location, ",".join(row).replace("\x00", "")[:200], str(exc))
        return
    if cols.value is not None:
        value = row[cols.value].strip()
        if value.lower() in _BLANKS:
            empty = repr(cols.header[cols.value])
            yield Rejection(location, ",".join(row)[:200], f"empty value in column {empty}")
            return
        label = row[cols.fields["type"]] if "type" in cols.fields else ""
        kind = type_of(label, value) if label.strip() else options.default_type
        yield ObservationRecord(value, location, kind, **details)
        return
    cells = [(i, t, row[i].strip()) for i, t in cols.typed
             if row[i].strip().lower() not in _BLANKS]
    if not cells:
        names = ", ".join(repr(cols.header[i]) for i, _ in cols.typed)
        yield Rejection(location, ",".join(row)[:200], f"empty value in column {names}")
        return
    linked = len(cells) > 1
    # The role names what the row is about, its first cell: "wallet, handle, cash-out"
    # says the wallet is a cash-out, not the handle it is attributed to.
    others = {k: v for k, v in details.items() if k != "role"} if linked else details
    for position, (index, kind, value) in enumerate(cells):
        ref = f"line {line}#{index}" if linked else None
        yield ObservationRecord(value, location, resolve(kind, value), ref=ref,
                                **(others if position else details))
    for index, _, _ in cells[1:] if linked else ():
        yield RelationshipRecord("related-to", f"line {line}#{cells[0][0]}",
                                 f"line {line}#{index}", location)


def _check(row: list[str], width: int) -> None:
    if len(row) < width or any(c.strip() for c in row[width:]):
        raise ValueError(f"row has {len(row)} fields, the header {width}")
    joined = "".join(row)
    if "\ufffd" in joined:
        raise ValueError("not valid UTF-8: save the file as UTF-8")
    if "\x00" in joined:
        raise ValueError("contains a NUL byte")


def _flag(text: str) -> bool:
    if text.lower() not in _TRUE | _FALSE:
        raise ValueError(f"{text!r} is not true or false")
    return text.lower() in _TRUE


_READERS: dict[str, Callable[[str], Any]] = {
    "first_seen": parse_date, "last_seen": parse_date, "tags": split_tags, "role": str,
    "comment": str, "to_ids": _flag, "tlp": TLP.parse, "pap": PAP.parse}


def _details(row: list[str], cols: _Columns) -> dict[str, Any]:
    """The row's observation details; ValueError names a cell that cannot be read."""
    out: dict[str, Any] = {}
    for key, index in cols.fields.items():
        text = row[index].strip()
        if key in _READERS and text.lower() not in _BLANKS:
            try:
                out[key] = _READERS[key](text)
            except (ValueError, HandlingError) as exc:
                raise ValueError(f"column {cols.header[index]!r}: {exc}") from None
    if "tlp" in out or "pap" in out:
        out["marking"] = Marking(out.pop("tlp", None), out.pop("pap", None))
    return out
