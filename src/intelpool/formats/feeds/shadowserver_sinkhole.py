"""Shadowserver sinkhole reports (Sinkhole Events, Sinkhole HTTP, Drone): infected clients.

CSV with a header line; columns are found by name, so the IPv4/IPv6 event reports
(``src_ip``) and the older ones (``ip``) read alike. Each line is a client that connected to
a sinkhole: its address is a selector with role ``sinkhole-hit``, tagged with the infection,
family and tag columns. The sinkhole's own address is not a selector; it goes in the comment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from intelpool.formats.feeds._common import (
    SNIFF_SCORE,
    BadLine,
    Header,
    Line,
    csv_rows,
    each_line,
    ip_port,
    ip_type,
    parse_time,
    split_tags,
    value,
)
from intelpool.formats.records import ImportOptions, ObservationRecord, Record
from intelpool.formats.registry import importer

_FEED = "Shadowserver sinkhole report"
_CLIENT = ("src_ip", "ip")
_FIRST_LINE = re.compile(rb'^\W*"?timestamp"?,[^\n]*\binfection\b[^\n]*\n')


def _sniff(head: bytes) -> float:
    match = _FIRST_LINE.match(head)
    clients = (b'"src_ip"', b'"ip"', b",src_ip,", b",ip,")
    return SNIFF_SCORE if match and any(c in match.group(0) for c in clients) else 0.0


@importer("feed:shadowserver-sinkhole", "Shadowserver sinkhole / drone report (CSV): "
          "infected clients", themes=("botnet",), sniff=_sniff)
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    header: Header | None = None

    def handle(line: Line) -> Iterator[Record]:
        nonlocal header
        if header is None:
            header = Header(line, _FEED, ("timestamp", _CLIENT, "infection"))
            return
        yield from _row(header.row(line), line)

    yield from each_line(csv_rows(stream), handle)


def _row(row: dict[str, str], line: Line) -> Iterator[Record]:
    client = value(row.get("src_ip")) or value(row.get("ip"))
    if client is None:
        raise BadLine("line has no client address")
    seen = parse_time(row["timestamp"], "timestamp")
    yield ObservationRecord(
        value=client, location=line.location, type=ip_type(client), role="sinkhole-hit",
        first_seen=seen, last_seen=seen,
        tags=split_tags(row.get("infection"), row.get("family"), row.get("tag"),
                        separators=",;"),
        comment=_sinkhole(row),
    )


def _sinkhole(row: dict[str, str]) -> str | None:
    address, port = value(row.get("dst_ip")), value(row.get("dst_port"))
    if address is None:
        return None
    return f"connected to sinkhole {ip_port(address, port) if port else address}"
