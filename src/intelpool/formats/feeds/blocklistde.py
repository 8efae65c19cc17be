"""blocklist.de lists: one attacking IP address per line (per service, or all)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from intelpool.formats.feeds._common import Line, each_line, ip_type, text_lines
from intelpool.formats.records import ImportOptions, ObservationRecord, Record
from intelpool.formats.registry import importer


@importer("feed:blocklistde", "blocklist.de attacker IP list (one IP per line)",
          themes=("intrusion",))
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield from each_line(text_lines(stream), _line)


def _line(line: Line) -> Iterator[Record]:
    address = line.text.strip()
    yield ObservationRecord(value=address, location=line.location, type=ip_type(address),
                            role="attacker")
