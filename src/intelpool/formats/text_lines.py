"""Plain text: one selector per line; blank lines and '#' comments are not records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from intelpool.formats.records import ImportOptions, ObservationRecord, Record, Rejection
from intelpool.formats.registry import importer


def _sniff(head: bytes) -> float:
    # The fallback for anything line-oriented that is not JSON, CSV or XML.
    stripped = head.lstrip()
    if not stripped or stripped[:1] in b"{[<":
        return 0.0
    return 0.1


@importer("text", "plain list of selectors, one per line", sniff=_sniff)
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    for number, raw in enumerate(stream, start=1):
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            yield Rejection(f"line {number}", raw[:200].decode("latin-1"), "not valid UTF-8")
            continue
        if not line or line.startswith("#"):
            continue
        yield ObservationRecord(value=line, location=f"line {number}", type=options.default_type)
