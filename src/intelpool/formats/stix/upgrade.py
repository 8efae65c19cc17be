"""Making kept STIX 2.0 objects valid STIX 2.1 when they are exported again.

Only what 2.1 requires changes: spec_version, millisecond timestamps, malware's is_family,
an indicator's pattern_type and valid_from, relationship type spelling, and observed data's
embedded objects, which become objects of their own referenced by object_refs.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from intelpool.formats.stix.bundle import parse_time
from intelpool.formats.stix.markings import NAMESPACE

_NAMESPACE_BYTES = NAMESPACE.bytes
_MILLIS = re.compile(r"T\d{2}:\d{2}:\d{2}\.\d{3,}Z$")
_RELATIONSHIP_TYPE = re.compile(r"^[a-z0-9-]+$")
_STIX_ID = re.compile(r"^([a-z0-9-]+)--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                      r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def stix_id_type(value: Any) -> str | None:
    """The object type a STIX identifier names, or None when ``value`` is not one."""
    match = _STIX_ID.match(value) if isinstance(value, str) else None
    return match.group(1) if match else None


def derived_id(kind: str, *parts: str, random_form: bool = False) -> str:
    """A deterministic identifier: the same parts give the same id in every export.

    ``random_form`` sets the UUID's version bits to 4, for objects STIX wants a UUIDv4 for
    (a process, or an observable without identifying properties).
    """
    if random_form:
        value = uuid.uuid5(NAMESPACE, chr(31).join(parts))
        return f"{kind}--{uuid.UUID(bytes=value.bytes, version=4)}"
    # uuid.uuid5 spelt out: it runs once per exported indicator, and the UUID object costs
    # more than the digest.
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + chr(31).join(parts).encode()).digest())
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest[:16].hex()
    return f"{kind}--{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def stix_time(value: datetime, *, micro: bool = False) -> str:
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    fraction = f"{value.microsecond:06d}" if micro else f"{value.microsecond // 1000:03d}"
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + fraction + "Z"


def relationship_type(text: str) -> str:
    """``text`` spelt as STIX requires a relationship type (lower case, a-z, 0-9, hyphens)."""
    if _RELATIONSHIP_TYPE.match(text):
        return text
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "related-to"


def upgrade(obj: dict[str, Any]) -> list[dict[str, Any]]:
    """``obj`` (a copy the caller owns) as STIX 2.1, preceded by any objects split out of it."""
    obj["spec_version"] = "2.1"
    for key in ("created", "modified"):
        value = obj.get(key)
        if isinstance(value, str) and not _MILLIS.search(value):
            parsed = parse_time(value)
            if parsed is not None:
                obj[key] = stix_time(parsed)
    kind = obj.get("type")
    if kind == "malware":
        obj.setdefault("is_family", True)
    elif kind == "indicator":
        obj.setdefault("pattern_type", "stix")
        if "valid_from" not in obj and "created" in obj:
            obj["valid_from"] = obj["created"]
    elif kind == "relationship" and isinstance(obj.get("relationship_type"), str):
        obj["relationship_type"] = relationship_type(obj["relationship_type"])
    elif kind == "observed-data" and isinstance(obj.get("objects"), dict):
        return [*_split_observed(obj), obj]
    return [obj]


def _split_observed(observed: dict[str, Any]) -> list[dict[str, Any]]:
    """STIX 2.0 embedded objects as 2.1 objects with ids; observed data then refers to them."""
    embedded: dict[str, Any] = observed.pop("objects")
    ids = {key: derived_id(str(item.get("type") or "x-unknown"), str(observed.get("id")), key,
                           random_form=True)
           for key, item in embedded.items() if isinstance(item, dict)}
    out: list[dict[str, Any]] = []
    for key, item in embedded.items():
        if not isinstance(item, dict):
            continue
        item = {k: _local_refs(k, v, ids) for k, v in item.items()}
        item["id"] = ids[key]
        item["spec_version"] = "2.1"
        out.append(item)
    observed["object_refs"] = [*observed.get("object_refs", []), *ids.values()]
    return out


def _local_refs(key: str, value: Any, ids: dict[str, str]) -> Any:
    if key.endswith("_ref") and isinstance(value, str):
        return ids.get(value, value)
    if key.endswith("_refs") and isinstance(value, list):
        return [ids.get(v, v) if isinstance(v, str) else v for v in value]
    return value
