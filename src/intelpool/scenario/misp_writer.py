"""Bank contributions as MISP events: TLP and PAP tags, admiralty tags, typed attributes.

Event-level tags come first (as MISP's own exports may put them last, importers must cope
with both; writing them first is the friendlier order). Mule accounts are ``bank-account``
objects, everything else plain attributes; the role goes to the attribute comment. The ties
the bank's analysis found (``evidence``: a phishing domain resolving to an address, a wallet
paying into another) are MISP analyst-data ``Relationship`` entries on the source attribute.
"""

from __future__ import annotations

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
    plain = [s for s in spec.selectors if s.type != "iban"]
    accounts = [s for s in spec.selectors if s.type == "iban"]
    ids = [uuid4_text(rng.getrandbits(128)) for _ in range(len(plain) + 2 * len(accounts))]
    # (type, value) -> its attribute's uuid, for the ties that name it
    named = {(s.type, s.value): ids[i] for i, s in reversed(list(enumerate(plain)))}
    named |= {(s.type, s.value): ids[len(plain) + 2 * i + 1] for i, s in enumerate(accounts)
              if (s.type, s.value) not in named}
    _write_list(out, (_attribute(s, ids[i], named, seed) for i, s in enumerate(plain)))
    out.write(b'\n], "Object": [\n')
    _write_list(out, (_account(s, ids[len(plain) + 2 * i], ids[len(plain) + 2 * i + 1],
                               named, seed) for i, s in enumerate(accounts)))
    out.write(b"\n]}}\n")
    return len(spec.selectors)


def _write_list(out: IO[bytes], items: Any) -> None:
    first = True
    for item in items:
        if not first:
            out.write(b",\n")
        out.write(orjson.dumps(item))
        first = False


def _attribute(sel: Selector, uuid: str, named: dict[tuple[str, str], str], seed: int,
               relation: str | None = None) -> dict[str, Any]:
    misp_type, category = MISP_TYPES[sel.type]
    attr: dict[str, Any] = {
        "uuid": uuid, "type": misp_type,
        "category": category, "value": sel.value, "to_ids": True,
        "first_seen": _time(sel.first_seen), "last_seen": _time(sel.last_seen),
        "timestamp": str(int(sel.last_seen.timestamp())),
    }
    if relation:
        attr["object_relation"] = relation
    if sel.role:
        attr["comment"] = sel.role
    ties = [(kind, named[(t, v)]) for kind, t, v in sel.ties if (t, v) in named]
    if ties:  # analyst-data relationships: what the bank's analysis tied it to
        attr["Relationship"] = [
            {"uuid": stable_uuid(seed, "relationship", uuid, kind, target),
             "relationship_type": kind, "related_object_uuid": target,
             "related_object_type": "Attribute"} for kind, target in ties]
    return attr


def _account(sel: Selector, uuid: str, attribute: str, named: dict[tuple[str, str], str],
             seed: int) -> dict[str, Any]:
    return {"name": "bank-account", "meta-category": "financial", "uuid": uuid,
            "description": "A bank account used in a fraud scheme",
            "timestamp": str(int(sel.last_seen.timestamp())),
            "Attribute": [_attribute(sel, attribute, named, seed, "iban")]}
