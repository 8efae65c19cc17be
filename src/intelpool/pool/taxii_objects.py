"""TAXII objects: the STIX export of a collection, one page at a time.

Objects come in a fixed order: by contribution (ids only grow, so an object added while a
client pages lands after everything it has seen), and inside a contribution its marking
definitions, indicators, entities, relationships and other objects, each by row. A position in
that order is the page cursor, so a page costs what it holds, not what came before it. An
object's date_added is its contribution's arrival, and its version its ``modified`` (or
``created``), both fixed once stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, exists, select

from intelpool.access import Permission, Principal, require
from intelpool.access.handling import PAP, TLP
from intelpool.audit import service as audit
from intelpool.db.tables import contributions, observables, observations, organisations
from intelpool.db.types import json_list
from intelpool.errors import InvalidInput
from intelpool.formats.export_records import ExportHandling, ExportObservation
from intelpool.formats.stix import builders
from intelpool.formats.stix.markings import (
    MarkingWriter,
    code_definition,
    pap_definition,
    tlp_definition,
)
from intelpool.formats.stix.reader import CUSTOM_ENTITY
from intelpool.formats.stix.upgrade import derived_id, stix_time, upgrade
from intelpool.pool import export
from intelpool.pool.reads import contribution_context
from intelpool.pool.taxii_collections import Collection

_BATCH = 1000
MARKINGS, INDICATORS, OTHERS = 0, 1, 2


@dataclass(frozen=True, slots=True, order=True)
class Position:
    contribution: int = 0
    section: int = 0
    row: int = 0
    part: int = 0

    def text(self) -> str:
        return f"{self.contribution}.{self.section}.{self.row}.{self.part}"

    @classmethod
    def parse(cls, text: str) -> Position:
        try:
            a, b, c, d = (int(x) for x in text.split("."))
        except ValueError:
            raise InvalidInput(f"{text!r} is not a position this server gave") from None
        return cls(a, b, c, d)


@dataclass(frozen=True, slots=True)
class TaxiiObject:
    position: Position
    date_added: datetime
    body: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.body.get("modified") or self.body.get("created") or
                   stix_time(self.date_added))


@dataclass(frozen=True, slots=True)
class Filters:
    added_after: datetime | None = None
    ids: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    versions: frozenset[str] = frozenset()  # "first", "last", "all" or timestamps
    spec_versions: frozenset[str] = frozenset()

    def keeps(self, obj: dict[str, Any]) -> bool:
        if self.ids and obj.get("id") not in self.ids:
            return False
        if self.types and obj.get("type") not in self.types:
            return False
        if self.spec_versions and "2.1" not in self.spec_versions:
            return False
        stamps = self.versions - {"first", "last", "all"}
        version = str(obj.get("modified") or obj.get("created"))
        return not stamps or version in stamps


def page(conn: Connection, principal: Principal, coll: Collection, *, after: Position | None,
         limit: int, filters: Filters) -> tuple[list[TaxiiObject], bool]:
    """Up to ``limit`` objects after ``after``, and whether more follow."""
    require(principal, Permission.POOL_READ)
    out: list[TaxiiObject] = []
    more = False
    for item in _objects(conn, principal, coll, after or Position(), filters):
        if len(out) == limit:
            more = True
            break
        out.append(item)
    audit.record(conn, principal, "taxii.objects", subject_type="collection",
                 subject_id=coll.id, detail={
                     "collection": coll.title, "objects": len(out),
                     "contributions": sorted({o.position.contribution for o in out})})
    return out, more


def _objects(conn: Connection, principal: Principal, coll: Collection, after: Position,
             filters: Filters) -> Iterator[TaxiiObject]:
    query = (select(contributions, organisations.c.name.label("originator_name"))
             .join(organisations, organisations.c.id == contributions.c.originator_id)
             .where(coll.contains(principal), contributions.c.id >= after.contribution)
             .order_by(contributions.c.id))
    if filters.added_after is not None:
        query = query.where(contributions.c.received_at > filters.added_after)
    rows = conn.execute(query.limit(_BATCH)).mappings().all()
    while rows:
        for row in rows:
            cid = row["id"]
            handling = export._handling(row, principal, contribution_context(conn, [cid]))
            start = after if cid == after.contribution else Position(cid)
            for item in _contribution_objects(conn, principal, coll, row, handling, start):
                if item.position > after and filters.keeps(item.body):
                    yield item
        query = query.where(contributions.c.id > rows[-1]["id"])
        rows = conn.execute(query.limit(_BATCH)).mappings().all()


def _contribution_objects(conn: Connection, principal: Principal, coll: Collection,
                          row: Any, handling: ExportHandling,
                          start: Position) -> Iterator[TaxiiObject]:
    cid, added = row["id"], row["received_at"]
    writer = MarkingWriter()

    def marked(section: int, index: int, obj: dict[str, Any]) -> Iterator[TaxiiObject]:
        for part, item in enumerate(upgrade(obj)):
            writer.restamp(item, handling)
            item.update(builders.handling_properties(handling))
            yield TaxiiObject(Position(cid, section, index, part), added, item)

    if start.section <= MARKINGS and _first_with_markings(conn, principal, coll, row):
        for index, definition in enumerate(_definitions(handling)):
            yield TaxiiObject(Position(cid, MARKINGS, index), added, definition)
    if start.section <= INDICATORS:
        after_row = start.row if start.section == INDICATORS else 0
        for obs_id, obs, seen_before in _observations(conn, cid, handling, after_row):
            ident = builders.observation_id(obs.type, obs.value, *(
                [str(cid)] if seen_before else []))
            yield from marked(INDICATORS, obs_id, builders.indicator(obs, ident, added))
    # Entities, relationships and kept objects: few per contribution, rebuilt as the export
    # builds them; their position is their place in that order.
    ids = select(contributions.c.id).where(contributions.c.id == cid).scalar_subquery()
    handling_map = {cid: handling}
    writer_export = _Others(conn, principal, ids, handling_map, added)
    for index, obj in enumerate(writer_export.objects()):
        if Position(cid, OTHERS, index, 99) > start:
            yield from marked(OTHERS, index, obj)


def _definitions(handling: ExportHandling) -> list[dict[str, Any]]:
    out = [tlp_definition(TLP.parse(handling.tlp)), pap_definition(PAP.parse(handling.pap))]
    out += [code_definition(c, handling.h3_text) for c in sorted(handling.codes)]
    return out


def _first_with_markings(conn: Connection, principal: Principal, coll: Collection,
                         row: Any) -> bool:
    """Marking definitions go out with the first contribution of the collection that uses
    them, not again with every later one."""
    earlier = contributions.alias("earlier")
    same = and_(earlier.c.id < row["id"], earlier.c.tlp == row["tlp"],
                earlier.c.pap == row["pap"], earlier.c.handling_codes == row["handling_codes"],
                earlier.c.h3_text.is_(None) if row["h3_text"] is None
                else earlier.c.h3_text == row["h3_text"])
    held = select(contributions.c.id).where(coll.contains(principal))
    return not conn.execute(select(exists(select(1).select_from(earlier).where(
        same, earlier.c.id.in_(held))))).scalar()


def _observations(conn: Connection, cid: int, handling: ExportHandling,
                  after_row: int) -> Iterator[tuple[int, ExportObservation, bool]]:
    earlier = observations.alias("earlier")
    seen_before = exists(select(1).select_from(earlier).where(
        earlier.c.observable_id == observations.c.observable_id,
        earlier.c.contribution_id < observations.c.contribution_id))
    query = (select(observations, observables.c.type, observables.c.value,
                    seen_before.label("seen_before"))
             .join(observables, observables.c.id == observations.c.observable_id)
             .where(observations.c.contribution_id == cid, observations.c.id > after_row)
             .order_by(observations.c.id))
    while True:
        rows = conn.execute(query.limit(_BATCH)).mappings().all()
        for r in rows:
            yield r["id"], ExportObservation(
                type=r["type"], value=r["value"], handling=handling, role=r["role"],
                first_seen=r["first_seen"], last_seen=r["last_seen"],
                tags=json_list(r["tags"]), comment=r["comment"], to_ids=r["to_ids"],
                ref=r["ref"]), bool(r["seen_before"])
        if len(rows) < _BATCH:
            return
        query = query.where(observations.c.id > rows[-1]["id"])


class _Others:
    """A contribution's entities, relationships and kept objects as the STIX export makes
    them (dated by the contribution, so they are the same on every request)."""

    def __init__(self, conn: Connection, principal: Principal, ids: Any,
                 handling: dict[int, ExportHandling], added: datetime) -> None:
        self.conn, self.principal, self.ids = conn, principal, ids
        self.handling, self.added = handling, added

    def objects(self) -> Iterator[dict[str, Any]]:
        for entity in export._entities(self.conn, self.ids, self.handling):
            if entity.body is not None and builders.is_stix_object(entity.body):
                yield dict(entity.body)
            else:
                yield builders.entity(entity, builders.entity_id(entity), self.added)
        for rel in export._relationships(self.conn, self.principal, self.ids, self.handling):
            yield from _relationship(rel, self.added)
        for extra in export._extras(self.conn, self.ids, self.handling):
            if not builders.is_stix_object(extra.body):
                yield builders.wrapped_extra(extra.type, extra.body, extra.ref, self.added)
            elif extra.body["type"] != "marking-definition":
                yield dict(extra.body)


def _relationship(rel: Any, added: datetime) -> Iterator[dict[str, Any]]:
    def end(e: Any) -> str:
        if e.kind == "observable" and e.type and e.value is not None:
            return builders.observation_id(e.type, e.value)
        ref = e.ref or ""
        return ref if "--" in ref else derived_id(CUSTOM_ENTITY, ref)

    source, target = end(rel.source), end(rel.target)
    body = dict(rel.body) if builders.is_stix_object(rel.body) else None
    if body is not None and body["type"] == "relationship":
        if rel.source.kind != "external":
            body["source_ref"] = source
        if rel.target.kind != "external":
            body["target_ref"] = target
    elif body is not None and body["type"] == "sighting":
        if rel.target.kind != "external":
            body["sighting_of_ref"] = target
    else:
        body = builders.relationship(rel, source, target, added)
    yield body
