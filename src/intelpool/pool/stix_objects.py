"""One contribution's entities, relationships and kept objects as STIX 2.1 objects, built as
the STIX export builds them (dated by the contribution's arrival, so they are the same on
every request and in every channel), each with the row it came from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from intelpool.access import Principal
from intelpool.db.tables import contributions
from intelpool.formats.export_records import ExportHandling, ExportRelationship
from intelpool.formats.stix import builders
from intelpool.formats.stix.upgrade import upgrade
from intelpool.pool import export
from intelpool.pool.stix_ids import Renamed


@dataclass(frozen=True, slots=True)
class Built:
    kind: str  # e entity, r relationship, x extra object
    row_id: int
    part: int  # which of the objects upgrading the row gave
    body: dict[str, Any]
    original_id: str  # its id before a later copy got one of its own


def others(conn: Connection, principal: Principal | None, handling: ExportHandling,
           renamed: Renamed) -> Iterator[Built]:
    """The contribution's objects besides indicators; relationships only when ``principal``
    may see their resolved ends (None: all of them, for the pool's own index)."""
    cid = handling.contribution_id
    ids = select(contributions.c.id).where(contributions.c.id == cid).scalar_subquery()
    handling_map = {cid: handling}
    stamp = handling.received_at
    assert stamp is not None
    for entity in export._entities(conn, ids, handling_map, renamed):
        if entity.body is not None and builders.is_stix_object(entity.body):
            body = dict(entity.body)
        else:
            body = builders.entity(entity, builders.entity_id(entity), stamp)
        yield from _parts("e", entity.row_id, body, entity.renamed, cid)
    for rel in export._relationships(conn, principal, ids, handling_map, renamed):
        yield from _parts("r", rel.row_id, _relationship(rel, stamp), rel.renamed, cid)
    for extra in export._extras(conn, ids, handling_map, renamed):
        if not builders.is_stix_object(extra.body):
            body = builders.wrapped_extra(extra.type, extra.body, extra.ref, stamp)
        elif extra.body["type"] == "marking-definition":
            continue  # travels with the objects that reference it (see kept_markings)
        else:
            body = dict(extra.body)
        yield from _parts("x", extra.row_id, body, extra.renamed, cid)


def kept_markings(conn: Connection, cid: int) -> dict[str, dict[str, Any]]:
    """The marking definitions a contribution brought (statements, foreign labels), by id."""
    ids = select(contributions.c.id).where(contributions.c.id == cid).scalar_subquery()
    stub = ExportHandling(contribution_id=cid, originator="", tlp="clear", pap="clear")
    out: dict[str, dict[str, Any]] = {}
    for extra in export._extras(conn, ids, {cid: stub}, {}):
        if builders.is_stix_object(extra.body) and extra.body["type"] == "marking-definition":
            for item in upgrade(dict(extra.body)):
                out[str(item["id"])] = item
    return out


def _parts(kind: str, row_id: int, body: dict[str, Any], renamed: frozenset[int],
           cid: int) -> Iterator[Built]:
    for part, item in enumerate(upgrade(body)):
        original = str(item["id"])
        if part in renamed:
            item["id"] = builders.later_copy_id(item, cid)
        yield Built(kind, row_id, part, item, original)


def _relationship(rel: ExportRelationship, stamp: Any) -> dict[str, Any]:
    source, target = builders.end_id(rel.source), builders.end_id(rel.target)
    body = dict(rel.body) if rel.body is not None and builders.is_stix_object(rel.body) \
        else None
    if body is not None and body["type"] == "relationship":
        if rel.source.kind != "external":
            body["source_ref"] = source
        if rel.target.kind != "external":
            body["target_ref"] = target
        return body
    if body is not None and body["type"] == "sighting":
        if rel.target.kind != "external":
            body["sighting_of_ref"] = target
        return body
    return builders.relationship(rel, source, target, stamp)
