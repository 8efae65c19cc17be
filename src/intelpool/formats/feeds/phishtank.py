"""PhishTank JSON dump (``online-valid.json``): a list of verified phishing reports.

Each report gives the phishing URL (role ``phishing``, tagged with the targeted brand) and the
addresses it resolved to (role ``hosting``: often shared hosting, so kept apart from the URL's
role). The submission time is the first sighting, the verification time the last.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from intelpool.formats.feeds._common import (
    BadLine,
    each_entry,
    ip_type,
    parse_time,
    sniff_all,
    value,
)
from intelpool.formats.records import ImportOptions, ObservationRecord, Record
from intelpool.formats.registry import importer

# PhishTank's placeholder for "no known target": as a tag it would only add noise.
_NO_TARGET = "other"


@importer("feed:phishtank", "PhishTank verified phishing URLs (JSON)", themes=("online-fraud",),
          sniff=sniff_all(b'"phish_id"', b'"phish_detail_url"'))
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield from each_entry(stream, "PhishTank", _report,
                          lambda item: item.get("url") or item.get("phish_id"))


def _report(item: dict[str, object], location: str) -> Iterator[Record]:
    url = value(item.get("url"))
    if url is None:
        raise BadLine("entry has no url")
    target = value(item.get("target"))
    tags = (target,) if target and target.lower() != _NO_TARGET else ()
    first_seen = parse_time(item.get("submission_time"), "submission_time")
    last_seen = parse_time(item.get("verification_time"), "verification_time")
    phish_id = value(item.get("phish_id"))
    yield ObservationRecord(value=url, location=location, type="url", role="phishing",
                            first_seen=first_seen, last_seen=last_seen, tags=tags, ref=phish_id)
    details = item.get("details") or []
    if not isinstance(details, list):
        raise BadLine("details is not a list")
    addresses = {value(d.get("ip_address")) for d in details if isinstance(d, dict)}
    for address in sorted(a for a in addresses if a):
        yield ObservationRecord(value=address, location=location, type=ip_type(address),
                                role="hosting", first_seen=first_seen, last_seen=last_seen,
                                tags=tags, comment=f"address of {url}")

