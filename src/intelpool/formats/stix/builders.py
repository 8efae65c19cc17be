"""STIX 2.1 objects for exported records that bring no STIX body of their own.

Everything the pool knows about an observation travels on its indicator (``x_intelpool_*``
properties, tags as ``labels``, the comment as ``description``) so the importer restores it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson

from intelpool.formats.export_records import (
    ExportEnd,
    ExportEntity,
    ExportHandling,
    ExportObservation,
    ExportRelationship,
)
from intelpool.formats.stix.reader import CUSTOM_ENTITY, CUSTOM_EXTRA
from intelpool.formats.stix.selectors import pattern_for
from intelpool.formats.stix.upgrade import derived_id, relationship_type, stix_id_type, stix_time

# Entity kinds that are valid STIX objects with no more than a name.
_NAMED_TYPES = frozenset({
    "threat-actor", "intrusion-set", "malware", "tool", "campaign", "infrastructure",
    "identity", "attack-pattern", "vulnerability", "course-of-action",
})
_WITH_ALIASES = frozenset({"threat-actor", "intrusion-set", "malware", "tool", "campaign",
                           "infrastructure", CUSTOM_ENTITY})
_ORGANISATION_KINDS = frozenset({"organisation", "organization"})


def handling_properties(handling: ExportHandling) -> dict[str, Any]:
    """The contribution's originator, evaluation, themes and tags, for every exported object."""
    out: dict[str, Any] = {"x_intelpool_originator": handling.originator}
    if handling.eval_scheme:
        out["x_intelpool_evaluation"] = {"scheme": handling.eval_scheme,
                                         "reliability": handling.reliability,
                                         "credibility": handling.credibility}
    if handling.themes:
        out["x_intelpool_themes"] = list(handling.themes)
    if handling.tags:
        out["x_intelpool_tags"] = list(handling.tags)
    return out


def observation_id(kind: str, value: str, *more: str) -> str:
    return derived_id("indicator", kind, value, *more)


def indicator_id(obs: ExportObservation) -> str:
    """The plain id for the first contribution holding the selector, one of its own for
    each later one (the same in every export and on every TAXII page)."""
    if obs.held_earlier:
        return observation_id(obs.type, obs.value, str(obs.handling.contribution_id))
    return observation_id(obs.type, obs.value)


def end_id(end: ExportEnd) -> str:
    """The id a relationship end goes out under: an observable's plain indicator id, an
    entity's own STIX id or the id built for it, an unresolved end's id as it came."""
    if end.kind == "observable" and end.type and end.value is not None:
        return observation_id(end.type, end.value)
    ref = end.ref or ""
    if stix_id_type(ref):
        return ref
    if end.kind == "entity" and end.type:
        return derived_id(entity_type(end.type), ref)
    return derived_id(CUSTOM_ENTITY, ref)


def later_copy_id(item: dict[str, Any], contribution_id: int) -> str:
    """The id of a later contribution's copy of an object version an earlier one holds: each
    copy carries its own contribution's markings, so it cannot share the id."""
    return derived_id(str(item["type"]), str(item["id"]), str(item.get("modified")),
                      str(contribution_id))


def indicator(obs: ExportObservation, ident: str, generated_at: datetime) -> dict[str, Any]:
    valid_from = stix_time(obs.first_seen or generated_at)
    modified = max(stix_time(generated_at), valid_from)
    out: dict[str, Any] = {
        "type": "indicator", "spec_version": "2.1", "id": ident, "created": valid_from,
        "modified": modified, "name": obs.value[:200],
    }
    if obs.comment:
        out["description"] = obs.comment
    out.update(pattern=pattern_for(obs.type, obs.value), pattern_type="stix",
               pattern_version="2.1", valid_from=valid_from)
    if obs.tags:
        out["labels"] = list(obs.tags)
    out["x_intelpool_type"] = obs.type
    if obs.role:
        out["x_intelpool_role"] = obs.role
    if obs.to_ids is not None:
        out["x_intelpool_to_ids"] = obs.to_ids
    if obs.first_seen:
        out["x_intelpool_first_seen"] = stix_time(obs.first_seen, micro=True)
    if obs.last_seen:
        out["x_intelpool_last_seen"] = stix_time(obs.last_seen, micro=True)
    return out


def entity_type(kind: str) -> str:
    if kind in _NAMED_TYPES:
        return kind
    return "identity" if kind in _ORGANISATION_KINDS else CUSTOM_ENTITY


def entity_id(entity: ExportEntity) -> str:
    kind = entity_type(entity.kind)
    if stix_id_type(entity.ref) == kind:
        assert entity.ref is not None
        return entity.ref
    return derived_id(kind, entity.ref or f"{entity.kind}:{entity.name}")


def entity(ent: ExportEntity, ident: str, generated_at: datetime) -> dict[str, Any]:
    kind = entity_type(ent.kind)
    stamp = stix_time(generated_at)
    out: dict[str, Any] = {"type": kind, "spec_version": "2.1", "id": ident, "created": stamp,
                           "modified": stamp, "name": ent.name}
    if ent.description:
        out["description"] = ent.description
    if ent.aliases and kind in _WITH_ALIASES:
        out["aliases"] = list(ent.aliases)
    if kind == "malware":
        out["is_family"] = True
    if kind == "identity" and ent.kind in _ORGANISATION_KINDS:
        out["identity_class"] = "organization"
    if kind != ent.kind:
        out["x_intelpool_kind"] = ent.kind
    return out


def relationship(rel: ExportRelationship, source: str, target: str,
                 generated_at: datetime) -> dict[str, Any]:
    """A relationship, or a sighting for ``sighting-of`` (sighter -> what was sighted)."""
    stamp = stix_time(generated_at)
    sighting = rel.type == "sighting-of"
    kind = "sighting" if sighting else "relationship"
    ident = rel.ref if stix_id_type(rel.ref) == kind else derived_id(
        kind, rel.type, source, target, rel.ref or "")
    out: dict[str, Any] = {"type": kind, "spec_version": "2.1", "id": ident, "created": stamp,
                           "modified": stamp}
    if not sighting:
        out.update(relationship_type=relationship_type(rel.type), source_ref=source,
                   target_ref=target)
    else:
        out["sighting_of_ref"] = target
        if stix_id_type(source) in ("identity", "location"):
            out["where_sighted_refs"] = [source]
    return out


def wrapped_extra(kind: str, body: dict[str, Any], ref: str | None,
                  generated_at: datetime) -> dict[str, Any]:
    """An extra object that is not STIX (another format's), carried whole in a custom one."""
    stamp = stix_time(generated_at)
    key = ref or hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()
    out = {"type": CUSTOM_EXTRA, "spec_version": "2.1", "id": derived_id(CUSTOM_EXTRA, kind, key),
           "created": stamp, "modified": stamp, "x_intelpool_extra_type": kind,
           "x_intelpool_body": body}
    if ref:
        out["x_intelpool_ref"] = ref
    return out


def is_stix_object(body: Any) -> bool:
    """Whether a kept body is a STIX object (not another format's record)."""
    return isinstance(body, dict) and isinstance(body.get("type"), str) and \
        stix_id_type(body.get("id")) == body["type"]
