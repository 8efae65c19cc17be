"""Team Cymru CAP (CSIRT Assistance Program) reports, pipe separated, ``#`` comments.

Both layouts have six fields: the old ``report|ip|asn|timestamp|comments|asn_name`` and the
newer ``category|address|asn|timestamp|optional_information|asninfo``, whose notes are
``key: value;`` pairs. The category decides role and theme. From the notes come the malware
family (``family:`` or ``mwtype``) as a tag, a C2 host name (``controller``) and a URL
(phishing, malware URL, defacement). The timestamp is the time of the reported event.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import IO

from intelpool.formats.feeds._common import (
    SNIFF_SCORE,
    BadLine,
    Line,
    each_line,
    fields_between,
    ip_type,
    parse_time,
    text_lines,
    themes_first,
    value,
)
from intelpool.formats.records import ImportOptions, ObservationRecord, Record
from intelpool.formats.registry import importer

_BOT = ("botnet-member", "botnet")
_SCAN = ("scanner", "intrusion")
# category -> (role, theme); old single-malware reports ("mydoom", "conficker") are bots.
_CATEGORIES = {
    "bot": _BOT, "bots": _BOT, "toxbot": _BOT, "stormworm": _BOT,
    "controller": ("c2", "botnet"), "ddosreport": ("c2", "botnet"),
    "bruteforce": ("attacker", "intrusion"),
    "darknet": _SCAN, "honeypot": _SCAN, "scanner": _SCAN, "scanners": _SCAN,
    "phishing": ("phishing", "online-fraud"),
    "malwareurl": ("malware-distribution", "malware-distribution"),
    "spreaders": ("malware-distribution", "malware-distribution"),
    "defacement": ("compromised", "intrusion"), "routers": ("compromised", "intrusion"),
    "fastflux": ("c2", "botnet"),
    "spam": ("spam", "other"), "proxy": ("proxy", "other"),
    "openresolvers": ("open-resolver", "other"), "openresolver": ("open-resolver", "other"),
}
_MALWARE_REPORTS = ("beagle", "blaster", "conficker", "dameware", "dipnet", "mydoom", "nachi",
                    "phatbot", "sinit", "slammer")
_URL_CATEGORIES = ("phishing", "malwareurl", "spreaders", "defacement")
_FAMILY = re.compile(
    r"(?:family:\s*|\bmwtype\s+)([^;]+?)\s*(?:;|\b(?:srcport|destaddr|dstaddr)\b|$)")
_HOSTNAME = re.compile(r"hostname:\s*([^;]+)")


_HEADERS = (b"category|address|asn|timestamp|optional_information|asninfo",
            b"report|ip|asn|timestamp|comments|asn_name")


def _sniff(head: bytes) -> float:
    return SNIFF_SCORE if any(header in head for header in _HEADERS) else 0.0


@importer("feed:cymru-cap", "Team Cymru CAP report (infected hosts, C2, phishing, scanners)",
          sniff=_sniff)
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    yield themes_first(stream, _categories(stream), lambda c: _classify(c)[1])
    yield from each_line(text_lines(stream), _line)


def _categories(stream: IO[bytes]) -> Iterator[str]:
    for item in text_lines(stream):
        if isinstance(item, Line):
            yield item.text.split("|", 1)[0].strip().lower()


def _classify(category: str) -> tuple[str | None, str]:
    if category in _MALWARE_REPORTS:
        return _BOT
    return _CATEGORIES.get(category, (None, "other"))


def _line(line: Line) -> Iterator[Record]:
    fields = line.text.split("|")
    fields_between(line, fields, 6, 6)
    category, address, asn, timestamp, notes, as_info = (f.strip() for f in fields)
    if value(address) is None:
        raise BadLine("line has no address")
    category = category.lower()
    role = _classify(category)[0]
    seen = parse_time(timestamp, "timestamp")
    family = _family(category, notes)
    tags = tuple(dict.fromkeys([category] + ([family] if family else [])))
    origin = f"AS{asn} {as_info}".strip() if value(asn) not in (None, "0") else None
    ip = ObservationRecord(value=address, location=line.location, type=ip_type(address),
                           role=role, first_seen=seen, last_seen=seen, tags=tags,
                           comment=f"announced by {origin}" if origin else None)
    yield ip
    hostname = _HOSTNAME.search(notes)
    if category == "controller" and hostname is not None:
        yield replace(ip, value=hostname.group(1).strip(), type="domain",
                      comment=f"C2 host name on {address}")
    url = notes.rstrip(";").split(" ", 1)[0] if category in _URL_CATEGORIES else ""
    if "://" in url:
        yield replace(ip, value=url, type="url", comment=f"hosted on {address}")


def _family(category: str, notes: str) -> str | None:
    found = _FAMILY.search(notes)
    if found is not None:
        return found.group(1).strip()
    return category if category in _MALWARE_REPORTS else None
