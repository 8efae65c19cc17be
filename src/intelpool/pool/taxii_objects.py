"""TAXII objects: the STIX export of a collection, one page at a time.

Objects come in a fixed order: by contribution (ids only grow, so an object added while a
client pages lands after everything it has seen), and inside a contribution its indicators,
entities, relationships and other objects, each by row. A position in that order is the page
cursor, so a page costs what it holds, not what came before it. An object's date_added is its
contribution's arrival, and its version its ``modified`` (or ``created``), both fixed once
stored. Ids are those of ``intelpool export --format stix`` on the same data.

Every page carries the marking definitions its objects reference, whatever page a client
starts from (unless ``match[type]`` leaves them out); they stand outside the order (no
position of their own). Asking for objects
by id probes the index of served ids (``pool/stix_ids.py``) instead of building the
collection, under the same visibility predicate.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, select

from intelpool.access import Permission, Principal, require
from intelpool.audit import service as audit
from intelpool.db.tables import contributions, observables, observations, organisations
from intelpool.db.types import json_list
from intelpool.errors import InvalidInput
from intelpool.formats.export_records import ExportHandling, ExportObservation
from intelpool.formats.stix import builders
from intelpool.formats.stix.markings import MarkingWriter
from intelpool.formats.stix.upgrade import stix_time, upgrade
from intelpool.pool import export, stix_ids, stix_objects
from intelpool.pool.reads import contribution_context
from intelpool.pool.taxii_collections import Collection

_BATCH = 1000
# Section 0 held marking definitions once; positions keep its number so old cursors work.
INDICATORS, OTHERS = 1, 2


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
    # The marking definitions the object references, by id.
    definitions: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)

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


@dataclass(slots=True)
class Page:
    items: list[TaxiiObject]
    more: bool
    definitions: list[dict[str, Any]]  # referenced by the items, each once


def page(conn: Connection, principal: Principal, coll: Collection, *, after: Position | None,
         limit: int, filters: Filters, definitions_too: bool = True) -> Page:
    """Up to ``limit`` objects after ``after`` (with ``definitions_too``, the marking
    definitions they reference included), and whether more follow. A page holds at least
    one object."""
    require(principal, Permission.POOL_READ)
    out: list[TaxiiObject] = []
    definitions: dict[str, dict[str, Any]] = {}
    more = False
    start = after or Position()
    indexed = filters.ids and not any(i.startswith("marking-definition--") for i in filters.ids)
    found = (_by_id(conn, principal, coll, start, filters) if indexed
             else _objects(conn, principal, coll, start, filters))
    # A client filtering on other types asked not to get marking definitions.
    marked = definitions_too and (not filters.types or "marking-definition" in filters.types)
    for item in found:
        new = {k: v for k, v in item.definitions.items()
               if marked and k not in definitions}
        if out and len(out) + 1 + len(definitions) + len(new) > limit:
            more = True
            break
        out.append(item)
        definitions.update(new)
    audit.record(conn, principal, "taxii.objects", subject_type="collection",
                 subject_id=coll.id, detail={
                     "collection": coll.title, "objects": len(out),
                     "contributions": sorted({o.position.contribution for o in out})}, read=True)
    return Page(out, more, list(definitions.values()))


def _chosen(principal: Principal, coll: Collection, after: Position, filters: Filters) -> Any:
    query = (select(contributions, organisations.c.name.label("originator_name"))
             .join(organisations, organisations.c.id == contributions.c.originator_id)
             .where(coll.contains(principal), contributions.c.id >= after.contribution)
             .order_by(contributions.c.id))
    if filters.added_after is not None:
        query = query.where(contributions.c.received_at > filters.added_after)
    return query


def _objects(conn: Connection, principal: Principal, coll: Collection, after: Position,
             filters: Filters) -> Iterator[TaxiiObject]:
    query = _chosen(principal, coll, after, filters)
    rows = conn.execute(query.limit(_BATCH)).mappings().all()
    while rows:
        for row in rows:
            start = after if row["id"] == after.contribution else Position(row["id"])
            built = _Contribution(conn, principal, row)
            for item in built.objects(start):
                if item.position > after and filters.keeps(item.body):
                    yield item
        query = query.where(contributions.c.id > rows[-1]["id"])
        rows = conn.execute(query.limit(_BATCH)).mappings().all()


def _by_id(conn: Connection, principal: Principal, coll: Collection, after: Position,
           filters: Filters) -> Iterator[TaxiiObject]:
    """Objects asked for by id: only the rows the index names, in visible contributions of
    the collection, are built (and kept when their id is one asked for)."""
    held = stix_ids.holders(filters.ids).subquery("held")
    chosen = _chosen(principal, coll, after, filters).subquery("chosen")
    rows = conn.execute(select(chosen, held.c.row_kind, held.c.row_id)
                        .join(held, held.c.contribution_id == chosen.c.id)
                        .order_by(chosen.c.id, held.c.row_kind, held.c.row_id)).mappings().all()
    for _, group in groupby(rows, key=lambda r: r["id"]):
        hits = list(group)
        row = hits[0]
        start = after if row["id"] == after.contribution else Position(row["id"])
        built = _Contribution(conn, principal, row)
        wanted = [int(h["row_id"]) for h in hits if h["row_kind"] == "o"]
        others = any(h["row_kind"] != "o" for h in hits)
        for item in built.objects(start, observations=wanted, others=others):
            if item.position > after and filters.keeps(item.body):
                yield item


class _Contribution:
    """One contribution's objects as its TAXII collection serves them."""

    def __init__(self, conn: Connection, principal: Principal, row: Any) -> None:
        self.conn, self.principal, self.row = conn, principal, row
        self.cid, self.added = int(row["id"]), row["received_at"]
        self.handling = export._handling(row, principal, contribution_context(conn, [self.cid]))
        self.writer = MarkingWriter()
        self._kept: dict[str, dict[str, Any]] | None = None

    def objects(self, start: Position, *, observations: list[int] | None = None,
                others: bool = True) -> Iterator[TaxiiObject]:
        cid = self.cid
        if start.section <= INDICATORS and observations != []:
            after_row = start.row if start.section == INDICATORS else 0
            for obs_id, obs in _observations(self.conn, cid, self.handling, after_row,
                                             observations):
                body = builders.indicator(obs, builders.indicator_id(obs), self.added)
                yield from self._marked(INDICATORS, obs_id, [body])
        if not others:
            return
        ids = select(contributions.c.id).where(contributions.c.id == cid).scalar_subquery()
        renamed = stix_ids.renamed_parts(self.conn, ids)
        built = stix_objects.others(self.conn, self.principal, self.handling, renamed)
        # Few per contribution: their position is their place in the export's order.
        for index, (_, parts) in enumerate(groupby(built, key=lambda b: (b.kind, b.row_id))):
            if Position(cid, OTHERS, index, 99) > start:
                yield from self._marked(OTHERS, index, [b.body for b in parts])

    def _marked(self, section: int, index: int,
                bodies: list[dict[str, Any]]) -> Iterator[TaxiiObject]:
        for part, body in enumerate(item for b in bodies for item in
                                    (upgrade(b) if section == INDICATORS else [b])):
            self.writer.restamp(body, self.handling)
            body.update(builders.handling_properties(self.handling))
            yield TaxiiObject(Position(self.cid, section, index, part), self.added, body,
                              self._definitions(body))

    def _definitions(self, body: dict[str, Any]) -> dict[str, dict[str, Any]]:
        refs = [r for r in body.get("object_marking_refs") or [] if isinstance(r, str)]
        refs += [str(g.get("marking_ref")) for g in body.get("granular_markings") or []
                 if isinstance(g, dict)]
        out = {}
        for ref in refs:
            found = self.writer.used.get(ref)
            if found is None:
                if self._kept is None:
                    self._kept = stix_objects.kept_markings(self.conn, self.cid)
                found = self._kept.get(ref)
            if found is not None:
                out[ref] = found
        return out


def _observations(conn: Connection, cid: int, handling: ExportHandling, after_row: int,
                  only: list[int] | None) -> Iterator[tuple[int, ExportObservation]]:
    query = (select(observations, observables.c.type, observables.c.value,
                    export.held_earlier().label("held_earlier"))
             .join(observables, observables.c.id == observations.c.observable_id)
             .where(observations.c.contribution_id == cid, observations.c.id > after_row)
             .order_by(observations.c.id))
    if only is not None:
        query = query.where(observations.c.id.in_(only))
    while True:
        rows = conn.execute(query.limit(_BATCH)).mappings().all()
        for r in rows:
            yield r["id"], ExportObservation(
                type=r["type"], value=r["value"], handling=handling, role=r["role"],
                first_seen=r["first_seen"], last_seen=r["last_seen"],
                tags=json_list(r["tags"]), comment=r["comment"], to_ids=r["to_ids"],
                ref=r["ref"], held_earlier=bool(r["held_earlier"]))
        if len(rows) < _BATCH:
            return
        query = query.where(observations.c.id > rows[-1]["id"])
