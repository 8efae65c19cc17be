"""Spamhaus DROP and EDROP: netblocks hijacked or leased by criminal operations.

Both lists come as text (``CIDR ; SBLnnn`` lines, ``;`` comments) or as JSON lines
(``{"cidr": ..., "sblid": ..., "rir": ...}`` closed by a ``{"type": "metadata", ...}`` line).
Theme ``other``: a DROP block hosts spam, malware and C2 alike and the list does not say
which; it is not about intrusion attempts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from intelpool.formats.feeds._common import (
    SNIFF_SCORE,
    BadLine,
    Line,
    each_line,
    fields_between,
    json_line,
    text_lines,
    value,
)
from intelpool.formats.records import ImportOptions, ObservationRecord, Record
from intelpool.formats.registry import importer


def _sniff(head: bytes) -> float:
    text_form = (b"; Spamhaus DROP" in head or b"; Spamhaus EDROP" in head) and b"; SBL" in head
    json_form = head.lstrip()[:1] == b"{" and b'"cidr"' in head and b'"sblid"' in head
    return SNIFF_SCORE if text_form or json_form else 0.0


@importer("feed:spamhaus-drop", "Spamhaus DROP / EDROP hijacked netblocks (text or JSON lines)",
          themes=("other",), sniff=_sniff)
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield from each_line(text_lines(stream, comments=(";",)), _line)


def _line(line: Line) -> Iterator[Record]:
    text = line.text.strip()
    if text.startswith(("{", "[")):
        entry = json_line(line)
        if entry.get("type") == "metadata":
            return
        block, sbl = value(entry.get("cidr")), value(entry.get("sblid"))
    else:
        parts = text.split(";")
        fields_between(line, parts, 1, 2)
        block, sbl = value(parts[0]), value(parts[1]) if len(parts) == 2 else None
    if block is None:
        raise BadLine("line has no netblock")
    yield ObservationRecord(value=block, location=line.location, type="cidr",
                            role="hijacked-netblock", ref=sbl, tags=(sbl,) if sbl else ())
