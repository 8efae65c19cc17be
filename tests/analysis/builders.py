"""Hand-built STIX bundles for analysis tests: named things and the selectors indicating them."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import orjson

_counter = itertools.count(1)
_PATTERN = {"ipv4": "ipv4-addr:value", "cidr": "ipv4-addr:value",
            "domain": "domain-name:value", "url": "url:value",
            "sha256": "file:hashes.'SHA-256'", "email": "email-addr:value"}


def _id(kind: str) -> str:
    return f"{kind}--00000000-0000-4000-8000-{next(_counter):012d}"


def bundle(path: Path, groups: list[tuple[dict[str, Any], list[tuple[str, str, str]]]]) -> Path:
    """A bundle where each group is an entity (dict with type, name, ...) indicated by its
    selectors (type, value, role)."""
    when = "2025-03-01T00:00:00.000Z"
    common = {"spec_version": "2.1", "created": when, "modified": when}
    objects: list[dict[str, Any]] = []
    for entity, selectors in groups:
        eid = _id(entity["type"])
        objects.append({"id": eid, **common, **entity})
        for kind, value, role in selectors:
            ind = _id("indicator")
            objects.append({"type": "indicator", "id": ind, **common, "name": role,
                            "labels": [role], "pattern_type": "stix", "valid_from": when,
                            "pattern": f"[{_PATTERN[kind]} = '{value}']"})
            objects.append({"type": "relationship", "id": _id("relationship"), **common,
                            "relationship_type": "indicates", "source_ref": ind,
                            "target_ref": eid})
    path.write_bytes(orjson.dumps({"type": "bundle", "id": _id("bundle"), "objects": objects}))
    return path


def malware(name: str, **extra: Any) -> dict[str, Any]:
    return {"type": "malware", "name": name, "is_family": True, **extra}


def actor(name: str, **extra: Any) -> dict[str, Any]:
    return {"type": "threat-actor", "name": name, **extra}


def ring(prefix: str, n: int = 6) -> list[tuple[str, str, str]]:
    """``n`` selectors of one operation: an operator's C2 panel first, then C2 addresses."""
    out = [("url", f"http://panel.{prefix}-ops.com/admin.php", "c2-panel")]
    out += [("domain", f"c2-{i}.{prefix}-ops.com", "c2-domain") for i in range(n - 1)]
    return out


def observed(path: Path, domains: list[str], *, stix20: bool = False) -> Path:
    """A bundle of one observed-data of the given domains: STIX 2.1 top-level objects it
    names, or STIX 2.0 objects inside it."""
    when = "2025-03-01T00:00:00.000Z"
    head = {"type": "observed-data", "id": _id("observed-data"), "created": when,
            "modified": when, "first_observed": when, "last_observed": when,
            "number_observed": 1}
    if stix20:
        inside = {str(n): {"type": "domain-name", "value": d} for n, d in enumerate(domains)}
        bundle_ = {"type": "bundle", "id": _id("bundle"), "spec_version": "2.0",
                   "objects": [{**head, "objects": inside}]}
    else:
        scos = [{"type": "domain-name", "spec_version": "2.1", "id": _id("domain-name"),
                 "value": d} for d in domains]
        bundle_ = {"type": "bundle", "id": _id("bundle"), "objects": [
            *scos, {**head, "spec_version": "2.1", "object_refs": [s["id"] for s in scos]}]}
    path.write_bytes(orjson.dumps(bundle_))
    return path
