"""abuse.ch URLhaus database dump (CSV): URLs serving malware.

The full dump has nine columns (id, dateadded, url, url_status, last_online, threat, tags,
urlhaus_link, reporter); the "recent" dump leaves out last_online. The header is a comment,
so the layout is told by the number of fields of each line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from intelpool.formats.feeds._common import (
    BadLine,
    Line,
    csv_rows,
    each_line,
    fields_between,
    parse_time,
    sniff_all,
    split_tags,
    value,
)
from intelpool.formats.records import ImportOptions, ObservationRecord, Record
from intelpool.formats.registry import importer


@importer("feed:urlhaus", "abuse.ch URLhaus malware URL dump (CSV)",
          themes=("malware-distribution",), sniff=sniff_all(b"URLhaus", b"# id,dateadded,url"))
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield from each_line(csv_rows(stream), _row)


def _row(line: Line) -> Iterator[Record]:
    fields = line.fields
    fields_between(line, fields, 8, 9)
    if len(fields) == 9:
        url_id, added, url, _status, last_online, _threat, tags, _link, reporter = fields
    else:
        url_id, added, url, _status, _threat, tags, _link, reporter = fields
        last_online = ""
    if value(url) is None:
        raise BadLine("line has no url")
    who = value(reporter)
    yield ObservationRecord(
        value=url, location=line.location, type="url", role="malware-distribution",
        first_seen=parse_time(added, "dateadded"),
        last_seen=parse_time(last_online, "last_online"),
        tags=split_tags(tags), ref=value(url_id),
        comment=f"reported by {who}" if who else None,
    )
