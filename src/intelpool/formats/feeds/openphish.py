"""OpenPhish feed: one phishing URL per line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from intelpool.formats.feeds._common import Line, each_line, text_lines
from intelpool.formats.records import ImportOptions, ObservationRecord, Record
from intelpool.formats.registry import importer


@importer("feed:openphish", "OpenPhish phishing URL feed (one URL per line)",
          themes=("online-fraud",))
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield from each_line(text_lines(stream), _line)


def _line(line: Line) -> Iterator[Record]:
    yield ObservationRecord(value=line.text.strip(), location=line.location, type="url",
                            role="phishing")
