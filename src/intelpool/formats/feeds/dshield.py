"""DShield recommended block list: the top attacking /24 netblocks of the last days.

Tab-separated ``start, end, netblock (prefix bits), attacks, name, country, email`` under a
``#`` comment header and a ``Start End Netblock ...`` title line; start and bits give the CIDR.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from intelpool.formats.feeds._common import (
    BadLine,
    Line,
    each_line,
    fields_between,
    sniff_all,
    text_lines,
    value,
)
from intelpool.formats.records import ImportOptions, ObservationRecord, Record
from intelpool.formats.registry import importer


@importer("feed:dshield-block", "DShield recommended block list (attacking netblocks)",
          themes=("intrusion",), sniff=sniff_all(b"DShield.org Recommended Block List"))
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield from each_line(text_lines(stream), _line)


def _line(line: Line) -> Iterator[Record]:
    fields = [field.strip() for field in line.text.split("\t")]
    if fields[0].lower() == "start":
        return
    fields_between(line, fields, 3, 7)
    start, bits = fields[0], fields[2]
    if not bits.isdigit():
        raise BadLine(f"netblock {bits!r} is not a prefix length")
    attacks, name, country, _email = (fields[3:] + [""] * 4)[:4]
    described = [f"{attacks} targets scanned" if value(attacks) else "",
                 ", ".join(part for part in (value(name), value(country)) if part)]
    yield ObservationRecord(value=f"{start}/{bits}", location=line.location, type="cidr",
                            role="scanner", comment="; ".join(d for d in described if d) or None)
