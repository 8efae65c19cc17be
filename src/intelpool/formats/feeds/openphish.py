"""OpenPhish feed: one phishing URL per line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from intelpool.formats.feeds._common import text_lines
from intelpool.formats.records import ImportOptions, ObservationRecord, Record, Rejection
from intelpool.formats.registry import importer


@importer("feed:openphish", "OpenPhish phishing URL feed (one URL per line)",
          themes=("online-fraud",))
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    # One record per line and nothing to refuse but the line's encoding: a plain loop, as
    # the feed runs to a million lines.
    for line in text_lines(stream):
        if isinstance(line, Rejection):
            yield line
        else:
            yield ObservationRecord(value=line.text.strip(), location=f"line {line.number}",
                                    type="url", role="phishing")
