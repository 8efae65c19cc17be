"""Bambenek Consulting feeds: the C2 IP and C2 domain master lists, and the DGA domain feed.

CSV lines ``value,description,date,manpage`` under a ``#`` comment header; the description
("IP used by shiotob/urlzone/bebloh C&C", "Domain used by Cryptolocker - Flashback DGA for
10 Nov 2016") names the malware family, kept as tags (one per name the family goes by). In
the master lists the date is when the entry was last confirmed; in the DGA feed it is the day
the family's algorithm generates the domain for.
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
_DGA_FAMILY = re.compile(r"^Domain used by (.+?)(?:\s*\(DGA\)|\s+DGA)?(?:\s+for\s.*)?$",
                         re.IGNORECASE)


@importer("feed:bambenek-c2ip", "Bambenek Consulting C2 IP master list", themes=("botnet",),
          sniff=sniff_all(b"Bambenek Consulting", b"c2-ipmasterlist"))
def parse_c2ip(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield from each_line(csv_rows(stream), _handler(ip_type))


@importer("feed:bambenek-c2dns", "Bambenek Consulting C2 domain master list",
          themes=("botnet",), sniff=sniff_all(b"Bambenek Consulting", b"c2-dommasterlist"))
def parse_c2dns(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield from each_line(csv_rows(stream), _handler(_domain))


@importer("feed:bambenek-dga", "Bambenek Consulting DGA domain feed", themes=("botnet",),
          sniff=sniff_all(b"Bambenek Consulting", b"dga-feed"))
def parse_dga(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield from each_line(csv_rows(stream), _handler(_domain, role="dga", family=_DGA_FAMILY))


def _domain(_value: str) -> str:
    return "domain"


def _handler(type_of: Callable[[str], str], role: str = "c2",
             family: re.Pattern[str] = _FAMILY) -> Callable[[Line], Iterator[Record]]:
    def handle(line: Line) -> Iterator[Record]:
        fields_between(line, line.fields, 4, 4)
        observed, description, date, _manual = line.fields
        if value(observed) is None:
            raise BadLine("line has no value")
        yield ObservationRecord(value=observed, location=line.location, type=type_of(observed),
                                role=role, last_seen=parse_time(date, "date"),
                                tags=_families(description, family),
                                comment=value(description))

    return handle


def _families(description: str, family: re.Pattern[str]) -> tuple[str, ...]:
    match = family.match(description.strip())
    if match is None:
        return ()
    return tuple(name.strip() for name in match.group(1).split("/") if name.strip())
