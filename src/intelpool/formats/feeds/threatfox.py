"""abuse.ch ThreatFox JSON export: an object keyed by IOC id, each a list of IOC objects.

The threat type decides role and theme: ``botnet_cc`` is a botnet C2, ``payload_delivery``
a malware distribution point, ``payload`` a malware sample. The themes of the file are read
in a quick first pass over the bytes, so they precede the records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import IO

import ijson

from intelpool.errors import InvalidInput
from intelpool.formats.feeds._common import (
    SNIFF_SCORE,
    BadLine,
    MalwareFamilies,
    first_char,
    ip_type,
    parse_time,
    split_tags,
    themes_first,
    value,
)
from intelpool.formats.records import ImportOptions, ObservationRecord, Record, Rejection
from intelpool.formats.registry import importer

# threat_type -> (role, theme)
_THREATS = {
    "botnet_cc": ("c2", "botnet"),
    "payload_delivery": ("malware-distribution", "malware-distribution"),
    "payload": ("payload", "malware-distribution"),
}
_TYPES = {"ip:port": "ip-port", "domain": "domain", "url": "url", "md5_hash": "md5",
          "sha1_hash": "sha1", "sha256_hash": "sha256", "sha512_hash": "sha512"}
_THREAT_TYPE = re.compile(rb'"threat_type"\s*:\s*"([a-z_]+)"')
_CHUNK = 1 << 20


def _sniff(head: bytes) -> float:
    keys = (b'"ioc_value"', b'"ioc_type"', b'"threat_type"', b'"malware_printable"')
    return SNIFF_SCORE if head.lstrip()[:1] == b"{" and all(k in head for k in keys) else 0.0


@importer("feed:threatfox", "abuse.ch ThreatFox IOC export (JSON)", sniff=_sniff)
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    if first_char(stream) != b"{":
        raise InvalidInput("not a ThreatFox export: expected a JSON object keyed by IOC id")
    yield themes_first(stream, _threat_types(stream), _theme)
    families = MalwareFamilies()
    try:
        for ioc_id, iocs in ijson.kvitems(stream, "", use_float=True):
            if not isinstance(iocs, list):
                yield Rejection(f'$["{ioc_id}"]', str(iocs)[:200], "entry is not a list of IOCs")
                continue
            for index, ioc in enumerate(iocs):
                yield from _each(str(ioc_id), index, ioc, families)
    except ijson.JSONError as exc:
        raise InvalidInput(f"not a ThreatFox export: invalid JSON ({exc})") from None


def _threat_types(stream: IO[bytes]) -> Iterator[str]:
    # A byte scan instead of a JSON parse: the themes need only these values, and this pass
    # costs a fraction of parsing the file twice.
    tail = b""
    while chunk := stream.read(_CHUNK):
        data = tail + chunk
        # A match starting in the last bytes may run into the next chunk: it waits for it.
        cut = max(0, len(data) - 64)
        for match in _THREAT_TYPE.finditer(data):
            if match.start() >= cut:
                break
            yield match.group(1).decode()
        tail = data[cut:]
    for match in _THREAT_TYPE.finditer(tail):
        yield match.group(1).decode()


def _theme(threat_type: str) -> str:
    return _THREATS.get(threat_type, (None, "other"))[1]


def _each(ioc_id: str, index: int, ioc: object, families: MalwareFamilies) -> Iterator[Record]:
    location = f'$["{ioc_id}"][{index}]'
    if not isinstance(ioc, dict):
        yield Rejection(location, str(ioc)[:200], "IOC is not a JSON object")
        return
    try:
        yield from list(_ioc(ioc_id, location, ioc, families))
    except BadLine as exc:
        yield Rejection(location, str(ioc.get("ioc_value"))[:200], str(exc))


def _ioc(ioc_id: str, location: str, ioc: dict[str, object],
         families: MalwareFamilies) -> Iterator[Record]:
    raw, ioc_type = value(ioc.get("ioc_value")), value(ioc.get("ioc_type"))
    if raw is None:
        raise BadLine("IOC has no ioc_value")
    kind = _TYPES.get(ioc_type or "")
    if kind is None:
        raise BadLine(f"unsupported ioc_type {ioc_type!r}")
    role = _THREATS.get(value(ioc.get("threat_type")) or "", (None, ""))[0]
    printable = value(ioc.get("malware_printable"))
    tags = split_tags(printable, *_tag_texts(ioc.get("tags")))
    confidence = value(ioc.get("confidence_level"))
    record = ObservationRecord(
        value=raw, location=location, type=kind, role=role, tags=tags, ref=ioc_id,
        first_seen=parse_time(ioc.get("first_seen_utc"), "first_seen_utc"),
        last_seen=parse_time(ioc.get("last_seen_utc"), "last_seen_utc"),
        comment=f"confidence {confidence}%" if confidence else None,
    )
    yield record
    refs = [ioc_id]
    if kind == "ip-port" and ":" in raw:
        address = raw.rsplit(":", 1)[0].strip("[]")
        refs.append(address)
        yield replace(record, value=address, type=ip_type(address), ref=address)
    malware = value(ioc.get("malware"))
    yield from families.link(printable, refs, location,
                             ref=f"malware:{malware}" if malware else None,
                             aliases=split_tags(ioc.get("malware_alias")))


def _tag_texts(raw: object) -> list[object]:
    # The export gives tags as one comma-separated string; the API as a list.
    if isinstance(raw, list):
        return list(raw)
    return [raw]

