"""Spamhaus ASN-DROP: autonomous systems run by or for criminal operations.

Text form ``AS123 ; CC | AS NAME`` with ``;`` comments, or JSON lines
``{"asn": 123, "rir": ..., "domain": ..., "cc": ..., "asname": ...}`` closed by a
``{"type": "metadata", ...}`` line. Theme ``other``, as for DROP.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from intelpool.formats.feeds._common import (
    SNIFF_SCORE,
    BadLine,
    Line,
    each_line,
    json_line,
    text_lines,
    value,
)
from intelpool.formats.records import ImportOptions, ObservationRecord, Record
from intelpool.formats.registry import importer

_TEXT_LINE = re.compile(r"^(AS\d+)\s*;\s*([A-Z]{2})?\s*\|?\s*(.*)$", re.IGNORECASE)
_TEXT_SIGNATURE = re.compile(rb"^AS\d+ ; [A-Z]{0,2} ?\|", re.MULTILINE)


def _sniff(head: bytes) -> float:
    text_form = b"; Spamhaus" in head and _TEXT_SIGNATURE.search(head) is not None
    json_form = head.lstrip()[:1] == b"{" and b'"asn"' in head and b'"asname"' in head
    return SNIFF_SCORE if text_form or json_form else 0.0


@importer("feed:spamhaus-asndrop", "Spamhaus ASN-DROP rogue autonomous systems "
          "(text or JSON lines)", themes=("other",), sniff=_sniff)
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield from each_line(text_lines(stream, comments=(";",)), _line)


def _line(line: Line) -> Iterator[Record]:
    text = line.text.strip()
    if text.startswith(("{", "[")):
        entry = json_line(line)
        if entry.get("type") == "metadata":
            return
        number = value(entry.get("asn"))
        asn = f"AS{number}" if number else None
        cc, name, domain = value(entry.get("cc")), value(entry.get("asname")), value(
            entry.get("domain"))
    else:
        match = _TEXT_LINE.match(text)
        if match is None:
            raise BadLine("line is not 'ASnnn ; CC | NAME'")
        asn, cc, name, domain = match.group(1), match.group(2), value(match.group(3)), None
    if asn is None:
        raise BadLine("line has no asn")
    described = ", ".join(part for part in (name, cc, domain) if part)
    yield ObservationRecord(value=asn, location=line.location, type="asn", role="rogue-asn",
                            comment=described or None)
