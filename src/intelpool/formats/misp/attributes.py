"""One MISP attribute -> observations (or an entity), with the relationships it implies.

Kept from the attribute: ``to_ids``, ``comment``, ``first_seen``/``last_seen`` (else the
``timestamp``), the ``category`` as the role (``Payload delivery`` -> ``payload-delivery``;
an ``intelpool:role`` tag wins), its other tags, and its uuid as ref. Tags tlp:* and PAP:*
make the record's marking. Galaxy clusters on the attribute become entities, related to the
attribute's observation as ``related-to``; MISP analyst-data relationships on it become
relationships.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from intelpool.formats.misp import galaxies, types_map
from intelpool.formats.misp.categories import role_of
from intelpool.formats.misp.tags import NS, TagInfo, machine_tag, read_tags, stricter
from intelpool.formats.misp.types_map import Conversion, Part
from intelpool.formats.records import (
    EntityRecord,
    Marking,
    ObservationRecord,
    Record,
    Rejection,
    RelationshipRecord,
)


@dataclass(slots=True)
class EventContext:
    """What the records of one event share."""

    path: str  # JSON path of the event, prefixed with the file name in a feed
    marking: Marking | None  # the event's own tlp/PAP
    doc_marking: Marking | None  # what DocumentMeta already applies to the whole file
    seen: galaxies.Seen = field(default_factory=galaxies.Seen)

    def relative(self, marking: Marking | None) -> Marking | None:
        """The marking a record carries: its own and its event's, unless the file's already."""
        combined = stricter(self.marking, marking)
        return None if combined == self.doc_marking else combined


@dataclass(slots=True)
class Converted:
    records: list[Record] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)  # observations and entities it gave
    reason: str | None = None  # why it gave none
    value: str = ""
    marking: Marking | None = None


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def tag_names(item: dict[str, Any]) -> list[str]:
    names = [t.get("name") if isinstance(t, dict) else t for t in as_list(item.get("Tag"))]
    names += [(t.get("Tag") or {}).get("name") for t in as_list(item.get("AttributeTag"))
              if isinstance(t, dict) and isinstance(t.get("Tag"), dict)]
    return [str(n) for n in names if n]


def attribute_records(attr: Any, location: str, ctx: EventContext) -> Converted:
    if not isinstance(attr, dict):
        return Converted(reason="attribute is not a JSON object", value=str(attr)[:200])
    misp_type, value = attr.get("type"), attr.get("value")
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(misp_type, str) or not misp_type:
        return Converted(reason="attribute has no type", value=str(value or "")[:200])
    if not isinstance(value, str) or not value.strip():
        return Converted(reason=f"MISP {misp_type} attribute has no value")
    if attr.get("deleted") in (True, 1, "1", "true"):
        return Converted(reason="attribute is marked deleted in MISP", value=value)
    names = tag_names(attr)
    info = read_tags(tuple(names))
    out = Converted(value=value, marking=ctx.relative(info.marking))
    out.records += [Rejection(f"{location}.Tag[{i}]", tag, reason)
                    for i, tag, reason in info.problems]
    found = (Conversion((Part(value, info.type),)) if info.type
             else types_map.conversion(misp_type, value))
    if found.reason:
        out.reason = found.reason
        return out
    ref = str(attr.get("uuid") or location)
    if found.entity_kind:
        out.records.append(EntityRecord(found.entity_kind, value.strip(), location, ref=ref,
                                        description=optional_text(attr.get("comment")),
                                        marking=out.marking))
        out.refs.append(ref)
    else:
        _observations(attr, found, info, misp_type, location, ref, out)
    if out.refs:
        _galaxies(attr, info, location, out, ctx)
        out.records += analyst_relationships(attr, out.refs[0], location, out.marking)
    return out


def _observations(attr: dict[str, Any], found: Conversion, info: TagInfo, misp_type: str,
                  location: str, ref: str, out: Converted) -> None:
    category = attr.get("category")
    role = info.role or (role_of(category)
                         if isinstance(category, str) and category.strip() else None)
    comment = optional_text(attr.get("comment"))
    to_ids = attr.get("to_ids")
    first = _time(attr, "first_seen", location, out) or _time(attr, "timestamp", location, out)
    last = _time(attr, "last_seen", location, out)
    for number, part in enumerate(found.parts, start=1):
        tags = [*info.kept, *part.tags]
        if len(found.parts) == 1 and not info.type and _needs_type_tag(misp_type, part):
            tags.append(machine_tag(NS, "misp-type", misp_type))
        part_ref = ref if number == 1 else f"{ref}:{number}"
        out.records.append(ObservationRecord(
            value=part.value, location=location, type=part.type, role=role, first_seen=first,
            last_seen=last, tags=tuple(tags), comment=comment or None,
            to_ids=_flag(to_ids), ref=part_ref, marking=out.marking))
        out.refs.append(part_ref)
    if found.relationship and len(out.refs) == 2:
        out.records.append(RelationshipRecord(found.relationship, out.refs[0], out.refs[1],
                                              location, marking=out.marking))


def _needs_type_tag(misp_type: str, part: Part) -> bool:
    """Whether an export would not give back ``misp_type`` (ip-src, email-src, hostname...)."""
    kind = types_map.imported_type(misp_type, part.value)
    back = types_map.misp_type_for(kind, part.value) if kind else None
    return back is None or back[0] != misp_type


def _galaxies(attr: dict[str, Any], info: TagInfo, location: str, out: Converted,
              ctx: EventContext) -> None:
    refs: list[str] = []
    for index, galaxy in enumerate(as_list(attr.get("Galaxy"))):
        records, found = galaxies.galaxy_records(galaxy, f"{location}.Galaxy[{index}]",
                                                 out.marking, ctx.seen)
        out.records += records
        refs += found
    for galaxy_type, name, tag in info.galaxies:
        records, ref = galaxies.tag_records(galaxy_type, name, tag, location, out.marking,
                                            ctx.seen)
        out.records += records
        refs.append(ref)
    for ref in dict.fromkeys(refs):
        out.records.append(RelationshipRecord("related-to", out.refs[0], ref, location,
                                              marking=out.marking))


def analyst_relationships(item: dict[str, Any], source: str, location: str,
                          marking: Marking | None) -> list[Record]:
    """MISP analyst-data ``Relationship`` entries of an attribute, object or event."""
    records: list[Record] = []
    for index, rel in enumerate(as_list(item.get("Relationship"))):
        where = f"{location}.Relationship[{index}]"
        target = rel.get("related_object_uuid") if isinstance(rel, dict) else None
        if not target:
            records.append(Rejection(where, str(rel)[:200], "relationship without a target"))
            continue
        kind = str(rel.get("relationship_type") or "related-to")[:64]
        records.append(RelationshipRecord(kind, source, str(target), where,
                                          ref=optional_text(rel.get("uuid")), marking=marking))
    return records


def optional_text(value: Any) -> str | None:
    """A JSON value records keep as text (a uuid, say); None when it is absent."""
    return None if value is None or value == "" else str(value)


def _time(attr: dict[str, Any], key: str, location: str, out: Converted) -> datetime | None:
    raw = attr.get(key)
    when = _when(raw)
    if when is None and raw not in (None, "", 0, "0"):
        out.records.append(Rejection(f"{location}.{key}", str(raw)[:200],
                                     "not a MISP time (epoch seconds or ISO 8601); "
                                     "the observation is kept without it"))
    return when


def _flag(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    return value in (True, 1, "1", "true", "True")


def _when(value: Any) -> datetime | None:
    """A MISP time: epoch seconds (int or string) or ISO 8601; None when absent or unreadable."""
    if value is None or value == "" or value == 0 or value == "0":
        return None
    try:
        if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
            return datetime.fromtimestamp(int(value), UTC)
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
