"""One MISP object -> an extra object, the observations of its attributes, and relationships.

The object is kept as an ``ExtraObjectRecord`` of type ``misp-object`` (ref = object uuid):
the pool does not model MISP object templates, and an entity would make "file" or "domain-ip"
look like a named thing. Its body is the object without the attributes that became
observations: attributes that are not selectors (sizes, entropy, text, ...) stay in the body,
so they are kept rather than rejected, and an export writes the object back whole. A file's
content (``data`` of attachment and malware-sample attributes) is not kept.

Each observation gets a ``contains`` relationship from the object (``object_relation`` in its
body); each ``ObjectReference`` becomes a relationship of its ``relationship_type`` from the
object to the referenced uuid.
"""

from __future__ import annotations

from typing import Any

from intelpool.formats.misp.attributes import (
    EventContext,
    analyst_relationships,
    as_list,
    attribute_records,
    optional_text,
)
from intelpool.formats.records import ExtraObjectRecord, Record, Rejection, RelationshipRecord

CONTAINS = "contains"
OBJECT_TYPE = "misp-object"


def object_records(obj: Any, location: str, ctx: EventContext) -> list[Record]:
    if not isinstance(obj, dict):
        return [Rejection(location, str(obj)[:200], "object is not a JSON object")]
    uuid = str(obj.get("uuid") or location)
    marking = ctx.relative(None)
    kept: list[Any] = []
    found: list[Record] = []
    for index, attr in enumerate(as_list(obj.get("Attribute"))):
        where = f"{location}.Attribute[{index}]"
        converted = attribute_records(attr, where, ctx)
        found += converted.records
        if not converted.refs:
            kept.append(_without_content(attr))
            continue
        relation = attr.get("object_relation") if isinstance(attr, dict) else None
        found += [RelationshipRecord(CONTAINS, uuid, ref, where,
                                     body={"object_relation": relation} if relation else None,
                                     marking=converted.marking) for ref in converted.refs]
    body = {k: v for k, v in obj.items() if k not in ("Attribute", "ObjectReference",
                                                       "Relationship")}
    if kept:
        body["Attribute"] = kept
    records: list[Record] = [ExtraObjectRecord(OBJECT_TYPE, body, location, ref=uuid,
                                               marking=marking)]
    records += found
    for index, reference in enumerate(as_list(obj.get("ObjectReference"))):
        records.append(_reference(reference, uuid, f"{location}.ObjectReference[{index}]", ctx))
    records += analyst_relationships(obj, uuid, location, marking)
    return records


def _reference(reference: Any, uuid: str, location: str, ctx: EventContext) -> Record:
    target = reference.get("referenced_uuid") if isinstance(reference, dict) else None
    if not target:
        return Rejection(location, str(reference)[:200], "object reference without referenced_uuid")
    kind = str(reference.get("relationship_type") or "related-to")[:64]
    source = str(reference.get("object_uuid") or uuid)
    comment = reference.get("comment")
    return RelationshipRecord(kind, source, str(target), location,
                              ref=optional_text(reference.get("uuid")),
                              body={"comment": comment} if comment else None,
                              marking=ctx.relative(None))


def _without_content(attr: Any) -> Any:
    if isinstance(attr, dict) and "data" in attr:
        return {k: v for k, v in attr.items() if k != "data"}
    return attr
