"""Bambenek Consulting C2 master lists: C2 IP addresses and C2 domains.

CSV lines ``value,description,date,manpage`` under a ``#`` comment header; the description
("IP used by shiotob/urlzone/bebloh C&C") names the malware family, kept as tags (one per
name the family goes by). The date is when the entry was last confirmed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import IO

from intelpool.formats.feeds._common import (
    BadLine,
    Line,
    csv_rows,
    each_line,
    fields_between,
    ip_type,
    parse_time,
    sniff_all,
    value,
)
from intelpool.formats.records import ImportOptions, ObservationRecord, Record
from intelpool.formats.registry import importer

_FAMILY = re.compile(r"^(?:IP|Domain) used by (.+?)(?: C&C| C2)?$", re.IGNORECASE)


@importer("feed:bambenek-c2ip", "Bambenek Consulting C2 IP master list", themes=("botnet",),
          sniff=sniff_all(b"Bambenek Consulting", b"c2-ipmasterlist"))
def parse_c2ip(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield from each_line(csv_rows(stream), _handler(ip_type))


@importer("feed:bambenek-c2dns", "Bambenek Consulting C2 domain master list",
          themes=("botnet",), sniff=sniff_all(b"Bambenek Consulting", b"c2-dommasterlist"))
def parse_c2dns(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield from each_line(csv_rows(stream), _handler(lambda _: "domain"))


def _handler(type_of: Callable[[str], str]) -> Callable[[Line], Iterator[Record]]:
    def handle(line: Line) -> Iterator[Record]:
        fields_between(line, line.fields, 4, 4)
        observed, description, date, _manual = line.fields
        if value(observed) is None:
            raise BadLine("line has no value")
        yield ObservationRecord(value=observed, location=line.location, type=type_of(observed),
                                role="c2", last_seen=parse_time(date, "date"),
                                tags=_families(description), comment=value(description))

    return handle


def _families(description: str) -> tuple[str, ...]:
    match = _FAMILY.match(description.strip())
    if match is None:
        return ()
    return tuple(name.strip() for name in match.group(1).split("/") if name.strip())
