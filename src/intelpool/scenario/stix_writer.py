"""Police contributions as STIX 2.1 bundles, written object by object.

A bundle holds the partner's identity, the TLP 2.0 marking definition every other object
references (``object_marking_refs``), the named entities of each structure it reports
(threat actor or intrusion set, malware, tool, infrastructure, linked by ``uses``), and one
indicator per selector, linked by ``indicates`` to its structure's main entity, and the ties
the partner's analysis found between its indicators (``evidence``: a panel resolving to a
C2, a sample calling back to it, a kit naming a mailbox) as relationships. First and last
seen go to ``valid_from``/``valid_until`` as MISP's STIX export does; the role is a label.
Forum and messenger handles are ``user-account`` patterns (platform and login); wallets and
IBANs have no STIX object, so police send them in a companion file.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import IO, Any

import orjson

from intelpool.scenario.model import Entity, FileSpec, Selector, Structure
from intelpool.scenario.values import derive_rng, stable_uuid, stix_time, uuid4_text

# The OASIS TLP 2.0 marking definitions (fixed ids, shared by every STIX producer).
TLP_MARKINGS = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
CARRIES = frozenset({"ipv4", "ipv6", "cidr", "domain", "url", "email", "md5", "sha1", "sha256",
                     "handle"})
_PATTERN = {
    "ipv4": "ipv4-addr:value", "ipv6": "ipv6-addr:value", "cidr": "ipv4-addr:value",
    "domain": "domain-name:value",
    "url": "url:value", "email": "email-addr:value", "md5": "file:hashes.MD5",
    "sha1": "file:hashes.'SHA-1'", "sha256": "file:hashes.'SHA-256'",
}
_DETAIL_PROPERTY = {"threat-actor": "threat_actor_types", "malware": "malware_types",
                    "infrastructure": "infrastructure_types"}
_TIES = {"resolves-to": "Passive DNS: the host resolved to this address",
         "communicates-with": "Sandbox run: the sample called back to this server",
         "related-to": "Found together in the analysis of the kit or sample"}
_SECTORS = {"host": "government-public-services", "law-enforcement": "government-public-services",
            "private": "financial-services", "cert": "technology"}


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def pattern(selector: Selector) -> str:
    if selector.type == "handle":
        platform, _, login = selector.value.partition(":")
        return (f"[user-account:account_type = {_quote(platform)} AND "
                f"user-account:account_login = {_quote(login)}]")
    return f"[{_PATTERN[selector.type]} = {_quote(selector.value)}]"


def write_stix(out: IO[bytes], spec: FileSpec, seed: int) -> int:
    """Write ``spec`` as one bundle; returns the number of indicators."""
    out.write(b'{"type": "bundle", "id": "bundle--' +
              stable_uuid(seed, "bundle", spec.seq).encode() + b'", "objects": [\n')
    first = True
    count = 0
    for obj in _objects(spec, seed):
        if not first:
            out.write(b",\n")
        out.write(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS))
        first = False
        count += obj["type"] == "indicator"
    out.write(b"\n]}\n")
    return count


def _objects(spec: FileSpec, seed: int) -> Iterator[dict[str, Any]]:
    rng = derive_rng(seed, "stix", spec.seq)  # every id of the file, in writing order
    tlp = spec.partner.policy.tlp
    marking = TLP_MARKINGS[tlp]
    yield {"type": "marking-definition", "spec_version": "2.1", "id": marking,
           "created": "2022-10-01T00:00:00.000Z", "name": f"TLP:{tlp.upper()}",
           "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension",
                                           "tlp_2_0": tlp}}}
    when = stix_time(spec.created)
    identity = f"identity--{stable_uuid('identity', spec.partner.name)}"
    common = {"spec_version": "2.1", "created": when, "modified": when,
              "object_marking_refs": [marking]}
    yield {"type": "identity", "id": identity, "name": spec.partner.name,
           "identity_class": "organization", "sectors": [_SECTORS[spec.partner.kind]], **common}
    common["created_by_ref"] = identity
    targets: dict[str, str] = {}
    names: dict[str, str] = {}
    for structure in spec.structures:
        ids = [_id(e.kind, rng) for e in structure.entities]
        for entity, entity_id in zip(structure.entities, ids, strict=True):
            yield _entity(entity, entity_id, common)
        for target in ids[1:]:
            yield _relationship("uses", ids[0], target, rng, common)
        targets[structure.id] = _main(structure, ids)
        names[structure.id] = structure.name
    indicators: dict[tuple[str, str], str] = {}
    for sel in spec.selectors:
        indicator = _id("indicator", rng)
        indicators.setdefault((sel.type, sel.value), indicator)
        name = sel.role or "indicator"
        about = names.get(sel.structure or "", "unattributed activity")
        body: dict[str, Any] = {
            "type": "indicator", "id": indicator, "name": name,
            "description": f"{name.replace('-', ' ').capitalize()}, {about}",
            "indicator_types": ["malicious-activity"], "pattern": pattern(sel),
            "pattern_type": "stix", "pattern_version": "2.1",
            "valid_from": stix_time(sel.first_seen), "valid_until": stix_time(sel.last_seen),
            **common}
        if sel.role:
            body["labels"] = [sel.role]
        yield body
        if sel.structure in targets:
            yield _relationship("indicates", indicator, targets[sel.structure], rng, common)
    # Ties between indicators of the file (``evidence``), once every indicator has its id.
    for sel in spec.selectors:
        for relationship, type_, value in sel.ties:
            named = indicators.get((type_, value))
            if named is not None:
                yield _relationship(relationship, indicators[(sel.type, sel.value)], named,
                                    rng, common, _TIES.get(relationship))


def _id(kind: str, rng: random.Random) -> str:
    return f"{kind}--{uuid4_text(rng.getrandbits(128))}"


def _entity(entity: Entity, entity_id: str, common: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"type": entity.kind, "id": entity_id, "name": entity.name, **common}
    if entity.kind == "malware":
        body["is_family"] = True
    prop = _DETAIL_PROPERTY.get(entity.kind)
    if prop:
        body[prop] = [entity.detail]
    if entity.aliases and entity.kind in ("threat-actor", "intrusion-set", "malware"):
        body["aliases"] = list(entity.aliases)
    return body


def _main(structure: Structure, ids: list[str]) -> str:
    """What indicators of a structure indicate: its malware if it has one, else its actor."""
    for entity, entity_id in zip(structure.entities, ids, strict=True):
        if entity.kind == "malware":
            return entity_id
    return ids[0]


def _relationship(kind: str, source: str, target: str, rng: random.Random,
                  common: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    body = {"type": "relationship", "id": _id("relationship", rng),
            "relationship_type": kind, "source_ref": source, "target_ref": target, **common}
    if description:
        body["description"] = description
    return body
