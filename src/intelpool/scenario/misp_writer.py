"""Bank contributions as MISP events: TLP and PAP tags, admiralty tags, typed attributes.

Event-level tags come first (as MISP's own exports may put them last, importers must cope
with both; writing them first is the friendlier order). Mule accounts are ``bank-account``
objects, everything else plain attributes; the role goes to the attribute comment.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import IO, Any

import orjson

from intelpool.scenario.model import FileSpec, Selector
from intelpool.scenario.values import derive_rng, stable_uuid, uuid4_text

# intelpool type -> (MISP attribute type, category)
MISP_TYPES = {
    "ipv4": ("ip-dst", "Network activity"), "ipv6": ("ip-dst", "Network activity"),
    "domain": ("domain", "Network activity"), "url": ("url", "Network activity"),
    "email": ("email-src", "Payload delivery"), "md5": ("md5", "Payload delivery"),
    "sha1": ("sha1", "Payload delivery"), "sha256": ("sha256", "Payload delivery"),
    "btc-wallet": ("btc", "Financial fraud"), "iban": ("iban", "Financial fraud"),
}
CARRIES = frozenset(MISP_TYPES)
_THEME_TAGS = {
    "online-fraud": 'europol-incident:information-gathering="phishing"',
    "botnet": 'europol-incident:malware="c&c"',
    "malware-distribution": 'europol-incident:malware="distribution"',
    "intrusion": 'europol-incident:intrusion="compromising-account"',
}


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00")


def tags(spec: FileSpec) -> list[dict[str, str]]:
    policy = spec.partner.policy
    out = [{"name": f"tlp:{policy.tlp}"}]
    if policy.pap:
        out.append({"name": f"PAP:{policy.pap.upper()}"})
    if policy.reliability:
        out.append({"name": f'admiralty-scale:source-reliability="{policy.reliability.lower()}"'})
    if policy.credibility:
        out.append({"name": f'admiralty-scale:information-credibility="{policy.credibility}"'})
    out += [{"name": _THEME_TAGS[t]} for t in spec.themes if t in _THEME_TAGS]
    return out


def write_misp(out: IO[bytes], spec: FileSpec, seed: int) -> int:
    """Write ``spec`` as one MISP event; returns the number of selectors written."""
    partner = spec.partner
    head = {
        "uuid": stable_uuid(seed, "event", spec.seq), "info": spec.title,
        "date": spec.created.strftime("%Y-%m-%d"),
        "timestamp": str(int(spec.created.timestamp())), "published": False,
        "analysis": "2", "threat_level_id": "2", "distribution": "0",
        "Orgc": {"name": partner.name, "uuid": stable_uuid("org", partner.name)},
        "Tag": tags(spec),
    }
    body = orjson.dumps(head)[:-1]  # keep the object open for the attribute lists
    out.write(b'{"Event": ' + body + b', "Attribute": [\n')
    rng = derive_rng(seed, "misp", spec.seq)  # every uuid of the event, in writing order
    _write_list(out, (_attribute(s, rng) for s in spec.selectors if s.type != "iban"))
    out.write(b'\n], "Object": [\n')
    _write_list(out, (_account(s, rng) for s in spec.selectors if s.type == "iban"))
    out.write(b"\n]}}\n")
    return len(spec.selectors)


def _write_list(out: IO[bytes], items: Any) -> None:
    first = True
    for item in items:
        if not first:
            out.write(b",\n")
        out.write(orjson.dumps(item))
        first = False


def _attribute(sel: Selector, rng: random.Random, relation: str | None = None,
               ) -> dict[str, Any]:
    misp_type, category = MISP_TYPES[sel.type]
    attr: dict[str, Any] = {
        "uuid": uuid4_text(rng.getrandbits(128)), "type": misp_type,
        "category": category, "value": sel.value, "to_ids": True,
        "first_seen": _time(sel.first_seen), "last_seen": _time(sel.last_seen),
        "timestamp": str(int(sel.last_seen.timestamp())),
    }
    if relation:
        attr["object_relation"] = relation
    if sel.role:
        attr["comment"] = sel.role
    return attr


def _account(sel: Selector, rng: random.Random) -> dict[str, Any]:
    return {"name": "bank-account", "meta-category": "financial",
            "uuid": uuid4_text(rng.getrandbits(128)),
            "description": "A bank account used in a fraud scheme",
            "timestamp": str(int(sel.last_seen.timestamp())),
            "Attribute": [_attribute(sel, rng, "iban")]}
