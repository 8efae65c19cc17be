"""dataplane.org reports: ``ASN | ASname | ipaddr | lastseen | category`` with ``#`` comments.

The category names the behaviour (``sshpwauth``: SSH password guessing, ``sshclient``: SSH
connections, ...) and decides role and theme; it is also kept as a tag. An AS name may itself
hold a ``|``, so the fields are counted from both ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from intelpool.formats.feeds._common import (
    BadLine,
    Line,
    each_line,
    ip_type,
    parse_time,
    sniff_all,
    text_lines,
    themes_first,
    value,
)
from intelpool.formats.records import ImportOptions, ObservationRecord, Record
from intelpool.formats.registry import importer

# category -> (role, theme); the rest are scans and probes of one service or another.
_CATEGORIES = {
    "sshpwauth": ("attacker", "intrusion"),
    "telnetlogin": ("attacker", "intrusion"),
    "vncrfb": ("scanner", "intrusion"),
    "smtpdata": ("spam", "other"),
    "proto41": ("proxy", "other"),
}
_DEFAULT = ("scanner", "intrusion")


@importer("feed:dataplane", "dataplane.org attack and scan reports (pipe separated)",
          sniff=sniff_all(b"DataPlane.org", b"category"))
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield themes_first(stream, _categories(stream), lambda c: _CATEGORIES.get(c, _DEFAULT)[1])
    yield from each_line(text_lines(stream), _line)


def _categories(stream: IO[bytes]) -> Iterator[str]:
    for item in text_lines(stream):
        if isinstance(item, Line) and item.text.count("|") >= 4:
            yield item.text.rsplit("|", 1)[1].strip().lower()


def _line(line: Line) -> Iterator[Record]:
    parts = line.text.split("|")
    if len(parts) < 5:
        raise BadLine(f"line has {len(parts)} fields, expected 5")
    asn, address, seen, category = parts[0].strip(), parts[-3].strip(), parts[-2], parts[-1]
    as_name = "|".join(parts[1:-3]).strip()
    if value(address) is None:
        raise BadLine("line has no ipaddr")
    category = category.strip().lower()
    role = _CATEGORIES.get(category, _DEFAULT)[0]
    origin = f"AS{asn} {as_name}" if asn.isdigit() else None  # "NA" when unrouted
    yield ObservationRecord(value=address, location=line.location, type=ip_type(address),
                            role=role, last_seen=parse_time(seen, "lastseen"),
                            tags=(category,) if category else (),
                            comment=f"announced by {origin}" if origin else None)
