"""Browsing the pool page by page: filtered, sorted contribution lists and a contribution's
observations, entities and relationships. Every query applies the visibility predicate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, func, select

from intelpool.access import Permission, Principal, require
from intelpool.db.tables import (
    contribution_themes,
    contributions,
    entities,
    observables,
    observations,
    relationships,
)
from intelpool.db.types import json_list
from intelpool.errors import InvalidInput, NotFound
from intelpool.pool.reads import (
    _contribution,
    _observation,
    _visible_contributions,
    contribution_context,
)
from intelpool.pool.views import ContributionView, ObservationView

# What a list may be sorted by; a leading '-' sorts descending.
CONTRIBUTION_SORTS = {
    "id": contributions.c.id, "received": contributions.c.received_at,
    "title": contributions.c.title, "format": contributions.c.format,
    "tlp": contributions.c.tlp, "accepted": contributions.c.accepted,
}


@dataclass(frozen=True, slots=True)
class ContributionFilter:
    tlp: str | None = None
    theme: str | None = None
    format: str | None = None
    mine: bool = False  # only the viewer's organisation's own contributions
    text: str | None = None  # in the title or source name


@dataclass(frozen=True, slots=True)
class EntityView:
    id: int
    kind: str
    name: str
    ref: str | None
    description: str | None
    aliases: list[str]


@dataclass(frozen=True, slots=True)
class RelationshipView:
    id: int
    type: str
    source: str
    target: str


def _filtered(principal: Principal, flt: ContributionFilter) -> Select[Any]:
    query = _visible_contributions(principal)
    if flt.tlp:
        query = query.where(contributions.c.tlp == flt.tlp)
    if flt.format:
        query = query.where(contributions.c.format == flt.format)
    if flt.mine:
        query = query.where(contributions.c.originator_id == principal.organisation_id)
    if flt.theme:
        query = query.where(contributions.c.id.in_(
            select(contribution_themes.c.contribution_id)
            .where(contribution_themes.c.theme == flt.theme)))
    if flt.text:
        pattern = f"%{flt.text}%"
        query = query.where(contributions.c.title.ilike(pattern)
                            | contributions.c.source_name.ilike(pattern))
    return query


def list_contributions(
    conn: Connection, principal: Principal, flt: ContributionFilter, *, sort: str = "-id",
    limit: int = 50, offset: int = 0,
) -> tuple[list[ContributionView], int]:
    """One page of the contributions the principal may see, and how many match in all."""
    require(principal, Permission.POOL_READ)
    key = sort.removeprefix("-")
    if key not in CONTRIBUTION_SORTS:
        raise InvalidInput(f"cannot sort contributions by {key!r}: use "
                           f"{', '.join(CONTRIBUTION_SORTS)}")
    column = CONTRIBUTION_SORTS[key]
    order = column.desc() if sort.startswith("-") else column.asc()
    query = _filtered(principal, flt)
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(query.order_by(order, contributions.c.id.desc())
                        .limit(limit).offset(offset)).mappings().all()
    context = contribution_context(conn, [r["id"] for r in rows])
    return [_contribution(r, principal, context) for r in rows], int(total)


def _visible_row(conn: Connection, principal: Principal, contribution_id: int) -> Any:
    require(principal, Permission.POOL_READ)
    row = conn.execute(_visible_contributions(principal)
                       .where(contributions.c.id == contribution_id)).mappings().first()
    if row is None:
        raise NotFound(f"no contribution {contribution_id}")
    return row


def contribution_observations(
    conn: Connection, principal: Principal, contribution_id: int, *, limit: int = 100,
    offset: int = 0,
) -> list[ObservationView]:
    row = _visible_row(conn, principal, contribution_id)
    context = contribution_context(conn, [contribution_id])
    obs_rows = conn.execute(
        select(observations, observables.c.type, observables.c.value, observables.c.warning)
        .join(observables, observables.c.id == observations.c.observable_id)
        .where(observations.c.contribution_id == contribution_id)
        .order_by(observations.c.id).limit(limit).offset(offset)
    ).mappings().all()
    merged = [{**dict(r), **{k: row[k] for k in row if k not in r}} for r in obs_rows]
    return [_observation(r, r["type"], r["value"], principal, context) for r in merged]


def contribution_entities(
    conn: Connection, principal: Principal, contribution_id: int, *, limit: int = 100,
    offset: int = 0,
) -> list[EntityView]:
    _visible_row(conn, principal, contribution_id)
    rows = conn.execute(
        select(entities.c.id, entities.c.kind, entities.c.name, entities.c.ref,
               entities.c.description, entities.c.aliases)
        .where(entities.c.contribution_id == contribution_id)
        .order_by(entities.c.kind, entities.c.name).limit(limit).offset(offset)
    ).all()
    return [EntityView(r.id, r.kind, r.name, r.ref, r.description, list(json_list(r.aliases)))
            for r in rows]


def contribution_relationships(
    conn: Connection, principal: Principal, contribution_id: int, *, limit: int = 100,
    offset: int = 0,
) -> list[RelationshipView]:
    _visible_row(conn, principal, contribution_id)
    rows = conn.execute(
        select(relationships.c.id, relationships.c.type, relationships.c.source_ref,
               relationships.c.target_ref, relationships.c.source_kind,
               relationships.c.source_id, relationships.c.target_kind, relationships.c.target_id)
        .where(relationships.c.contribution_id == contribution_id)
        .order_by(relationships.c.id).limit(limit).offset(offset)
    ).all()
    # Resolved observable ends are named by their selector; the rest by their reference.
    ids = {i for r in rows for k, i in ((r.source_kind, r.source_id), (r.target_kind,
                                                                       r.target_id))
           if k == "observable" and i is not None}
    names = {i: f"{t} {v}" for i, t, v in conn.execute(
        select(observables.c.id, observables.c.type, observables.c.value)
        .where(observables.c.id.in_(ids)))} if ids else {}

    def end(kind: str | None, ident: int | None, ref: str) -> str:
        return names.get(ident, ref) if kind == "observable" and ident is not None else ref

    return [RelationshipView(r.id, r.type, end(r.source_kind, r.source_id, r.source_ref),
                             end(r.target_kind, r.target_id, r.target_ref)) for r in rows]
