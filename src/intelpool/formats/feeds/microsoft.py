"""Microsoft feeds as Interflow delivers them: CTIP infected hosts and Bing malicious URLs.

Both are JSON arrays of objects, one indicator each, whose ``TLPLevel`` becomes the records'
marking (a TLP:AMBER entry lands in a stricter part of the contribution). Key case differs
between the two (``networksourceipv4``, ``NetworkDestinationIPv4``), so keys are read without
regard to case.

- **CTIP** (Cyber Threat Intelligence Program: hosts seen talking to the Digital Crimes
  Unit's sinkholes): the infected host's address is the selector, role ``botnet-member``,
  tagged with the botnet (``externalid``). The sinkhole it reached goes in the comment, not in
  a selector. Host names and user agents in this feed often hold binary junk: not kept.
- **BingMURLs**: the URL is the selector (role ``malicious-url``, tagged with the threat type
  and Microsoft's tags); the address it was hosted on is a second one, role ``hosting``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from intelpool.access.handling import TLP
from intelpool.errors import HandlingError
from intelpool.formats.feeds._common import (
    BadLine,
    each_entry,
    ip_type,
    parse_time,
    sniff_all,
    split_tags,
    value,
)
from intelpool.formats.records import (
    ImportOptions,
    Marking,
    ObservationRecord,
    Record,
)
from intelpool.formats.registry import importer

_MARKINGS = {tlp: Marking(tlp=tlp) for tlp in TLP}  # one instance per label, as importers share


@importer("feed:microsoft-ctip", "Microsoft CTIP infected hosts (Interflow JSON)",
          themes=("botnet",), sniff=sniff_all(b'"indicatorthreattype"', b'"networksourceipv4"'))
def parse_ctip(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield from each_entry(stream, "Microsoft CTIP", _infected,
                          lambda item: value(_lower_keys(item).get("networksourceipv4")) or item)


@importer("feed:microsoft-bingmurls", "Microsoft Bing malicious URLs (Interflow JSON)",
          themes=("other",), sniff=sniff_all(b'"IndicatorThreatType"', b'"Url"'))
def parse_bingmurls(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield from each_entry(stream, "Microsoft BingMURLs", _malicious_url,
                          lambda item: value(_lower_keys(item).get("url")) or item)


def _lower_keys(item: dict[str, object]) -> dict[str, object]:
    return {str(key).lower(): v for key, v in item.items()}


def _marking(entry: dict[str, object]) -> Marking | None:
    label = value(entry.get("tlplevel"))
    if label is None:
        return None
    try:
        return _MARKINGS[TLP.parse(label)]
    except HandlingError as exc:
        raise BadLine(str(exc)) from None


def _infected(item: dict[str, object], location: str) -> Iterator[Record]:
    entry = _lower_keys(item)
    source = value(entry.get("networksourceipv4")) or value(entry.get("networksourceipv6"))
    if source is None:
        raise BadLine("entry has no networksourceipv4 or networksourceipv6")
    asn = value(entry.get("networksourceasn"))
    sinkhole = ", ".join(dict.fromkeys(
        part.strip() for part in str(value(entry.get("networkdestinationipv4")) or "").split(",")
        if part.strip()))
    port = value(entry.get("networkdestinationport"))
    confidence = value(entry.get("confidence"))
    notes = (value(entry.get("description")),
             f"announced by AS{asn.removeprefix('AS')}" if asn else None,
             f"connected to {sinkhole}{f' port {port}' if port else ''}" if sinkhole else None,
             f"Microsoft confidence {confidence}" if confidence else None)
    yield ObservationRecord(
        value=source, location=location, type=ip_type(source), role="botnet-member",
        first_seen=parse_time(entry.get("firstreporteddatetime"), "firstreporteddatetime"),
        last_seen=parse_time(entry.get("lastreporteddatetime"), "lastreporteddatetime"),
        tags=split_tags(entry.get("externalid")), comment="; ".join(n for n in notes if n) or None,
        marking=_marking(entry))


def _malicious_url(item: dict[str, object], location: str) -> Iterator[Record]:
    entry = _lower_keys(item)
    url = value(entry.get("url"))
    if url is None:
        raise BadLine("entry has no Url")
    tags = entry.get("tags")
    if tags is not None and not isinstance(tags, list):
        raise BadLine("Tags is not a list")
    record = ObservationRecord(
        value=url, location=location, type="url", role="malicious-url",
        first_seen=parse_time(entry.get("firstreporteddatetime"), "FirstReportedDateTime"),
        last_seen=parse_time(entry.get("lastreporteddatetime"), "LastReportedDateTime"),
        tags=split_tags(entry.get("indicatorthreattype"), *(tags or ())),
        comment=value(entry.get("description")), marking=_marking(entry))
    yield record
    address = value(entry.get("networkdestinationipv4"))
    if address is not None:
        yield ObservationRecord(
            value=address, location=location, type=ip_type(address), role="hosting",
            first_seen=record.first_seen, last_seen=record.last_seen, tags=record.tags,
            comment=f"address of {url}", marking=record.marking)
