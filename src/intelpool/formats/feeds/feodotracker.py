"""abuse.ch Feodo Tracker botnet C2 block list: the JSON ``ipblocklist.json`` and the legacy CSV.

Which of the two a file is comes from its first byte (``[`` is JSON). Each entry gives the C2
address, its ip:port, its host name when known, and the malware family as a tag and as a
malware entity the observations indicate.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import IO

from intelpool.formats.feeds._common import (
    SNIFF_SCORE,
    BadLine,
    Line,
    MalwareFamilies,
    csv_rows,
    each_entry,
    each_line,
    fields_between,
    first_char,
    ip_port,
    ip_type,
    parse_time,
    value,
)
from intelpool.formats.records import ImportOptions, ObservationRecord, Record
from intelpool.formats.registry import importer

_CSV_HEADER = "first_seen_utc"
_ROLE = "c2"


def _sniff(head: bytes) -> float:
    if b"abuse.ch Feodo Tracker" in head:
        return SNIFF_SCORE
    # The JSON list has no header; this set of keys is its signature.
    keys = (b'"ip_address"', b'"hostname"', b'"as_name"', b'"last_online"', b'"malware"')
    return SNIFF_SCORE if head.lstrip()[:1] == b"[" and all(k in head for k in keys) else 0.0


@importer("feed:feodotracker", "abuse.ch Feodo Tracker botnet C2 IP block list (JSON or CSV)",
          themes=("botnet",), sniff=_sniff)
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    families = MalwareFamilies()
    if first_char(stream) == b"[":
        yield from each_entry(stream, "Feodo Tracker",
                              lambda item, location: _entry(item, location, families),
                              lambda item: item.get("ip_address"))
        return
    yield from each_line(csv_rows(stream), lambda line: _csv_row(line, families))


def _entry(item: dict[str, object], location: str,
           families: MalwareFamilies) -> Iterator[Record]:
    address = value(item.get("ip_address"))
    if address is None:
        raise BadLine("entry has no ip_address")
    yield from _c2(
        location, address, value(item.get("port")),
        value(item.get("hostname")), value(item.get("malware")),
        parse_time(item.get("first_seen"), "first_seen"),
        parse_time(item.get("last_online"), "last_online"), families,
    )


def _csv_row(line: Line, families: MalwareFamilies) -> Iterator[Record]:
    if line.fields[0] == _CSV_HEADER:
        return
    fields_between(line, line.fields, 6, 6)
    first_seen, address, port, _status, last_online, malware = line.fields
    if value(address) is None:
        raise BadLine("line has no dst_ip")
    yield from _c2(line.location, address, value(port), None, value(malware),
                   parse_time(first_seen, "first_seen_utc"),
                   parse_time(last_online, "last_online"), families)


def _c2(location: str, address: str, port: str | None, hostname: str | None,
        malware: str | None, first_seen: datetime | None, last_seen: datetime | None,
        families: MalwareFamilies) -> Iterator[Record]:
    if port is not None and not (port.isdigit() and 0 < int(port) < 65536):
        raise BadLine(f"bad port {port!r}")
    ip = ObservationRecord(value=address, location=location, type=ip_type(address), role=_ROLE,
                           first_seen=first_seen, last_seen=last_seen,
                           tags=(malware,) if malware else (), ref=address)
    yield ip
    refs = [address]
    if port is not None:
        endpoint = ip_port(address, port)
        refs.append(endpoint)
        yield replace(ip, value=endpoint, type="ip-port", ref=endpoint)
    if hostname is not None:
        refs.append(hostname)
        yield replace(ip, value=hostname, type="domain", ref=hostname,
                      comment=f"host name of {address}")
    yield from families.link(malware, refs, location)

