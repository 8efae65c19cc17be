"""CERT-EU threat feed (CSV with a header line naming some forty columns).

Each line reports a source IP, URL and/or domain name of one ``type`` (malware url,
phishing, c2server, botnet drone, ...), which decides role and theme; the themes of the file
are read in a first pass. The line's own ``tlp`` column becomes the records' marking, so a
TLP:AMBER line lands in a stricter part of the contribution.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import IO

from intelpool.access.handling import TLP
from intelpool.errors import HandlingError
from intelpool.formats.feeds._common import (
    BadLine,
    Header,
    Line,
    csv_rows,
    each_line,
    ip_type,
    parse_time,
    sniff_all,
    split_tags,
    themes_first,
    value,
)
from intelpool.formats.records import ImportOptions, Marking, ObservationRecord, Record
from intelpool.formats.registry import importer

_FEED = "CERT-EU feed"
_REQUIRED = ("source ip", "type", "tlp", "url", "domain name")
# type -> (role, theme)
_TYPES: dict[str, tuple[str | None, str]] = {
    "backdoor": ("compromised", "intrusion"),
    "botnet drone": ("botnet-member", "botnet"),
    "brute-force": ("attacker", "intrusion"),
    "c2server": ("c2", "botnet"),
    "compromised server": ("compromised", "intrusion"),
    "ddos infrastructure": ("ddos", "botnet"),
    "defacement": ("compromised", "intrusion"),
    "dropzone": ("dropzone", "botnet"),
    "exploit url": ("malware-distribution", "malware-distribution"),
    "ids alert": ("attacker", "intrusion"),
    "malware configuration": ("c2", "botnet"),
    "malware url": ("malware-distribution", "malware-distribution"),
    "phishing": ("phishing", "online-fraud"),
    "scanner": ("scanner", "intrusion"),
    "spam infrastructure": ("spam", "other"),
    "vulnerable service": ("vulnerable", "other"),
}
_UNKNOWN: tuple[str | None, str] = (None, "other")  # blacklist, ransomware, test, ...
_NO_TARGET = "other"


@importer("feed:certeu", "CERT-EU threat feed (CSV)",
          sniff=sniff_all(b"feed code,source ip,source time"))
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield themes_first(stream, _types(stream), lambda t: _TYPES.get(t, _UNKNOWN)[1])
    header: Header | None = None

    def handle(line: Line) -> Iterator[Record]:
        nonlocal header
        if header is None:
            header = Header(line, _FEED, _REQUIRED)
            return
        yield from _row(header.row(line), line)

    yield from each_line(csv_rows(stream), handle)


def _types(stream: IO[bytes]) -> Iterator[str]:
    column: int | None = None
    for item in csv_rows(stream):
        if not isinstance(item, Line):
            continue
        if column is None:
            names = [name.lower() for name in item.fields]
            column = names.index("type") if "type" in names else -1
        elif 0 <= column < len(item.fields):
            yield item.fields[column].lower()


def _row(row: dict[str, str], line: Line) -> Iterator[Record]:
    kind = row["type"].lower()
    role = _TYPES.get(kind, _UNKNOWN)[0]
    try:
        tlp = TLP.parse(row["tlp"]) if value(row["tlp"]) else None
    except HandlingError as exc:
        raise BadLine(str(exc)) from None
    when = parse_time(row.get("source time"), "source time")
    target = value(row.get("target"))
    template = ObservationRecord(
        value="", location=line.location, role=role,
        first_seen=parse_time(row.get("first seen"), "first seen") or when,
        last_seen=parse_time(row.get("last seen"), "last seen") or when,
        tags=split_tags(kind, target if target and target.lower() != _NO_TARGET else None),
        marking=Marking(tlp=tlp) if tlp else None,
    )
    observed = [(value(row["source ip"]), None), (value(row["url"]), "url"),
                (value(row["domain name"]), "domain")]
    if not any(text for text, _ in observed):
        raise BadLine("line has no source ip, url or domain name")
    for text, type_name in observed:
        if text:
            yield replace(template, value=text, type=type_name or ip_type(text))
