"""Egress: the records one organisation may see, streamed to an exporter with their handling.

Visibility is applied in SQL (the same predicate as every read path); relationships are only
released when each resolved end is visible too, so a link never reveals a hidden object.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

import orjson
from sqlalchemy import Connection, ScalarSelect, Select, Subquery, and_, exists, or_, select
from sqlalchemy.sql.elements import ColumnElement

from intelpool.access import Permission, Principal, require
from intelpool.access.visibility import visible_contribution
from intelpool.audit import service as audit
from intelpool.db.tables import (
    contribution_themes,
    contributions,
    entities,
    extra_objects,
    observables,
    observations,
    organisations,
    relationships,
)
from intelpool.db.types import json_list, utcnow
from intelpool.errors import InvalidInput
from intelpool.formats import registry
from intelpool.formats.export_records import (
    ExportData,
    ExportEnd,
    ExportEntity,
    ExportExtraObject,
    ExportHandling,
    ExportObservation,
    ExportRelationship,
)
from intelpool.observables.types import ObservableType
from intelpool.pool import stix_ids
from intelpool.pool.reads import contribution_context, originator_label
from intelpool.pool.stix_ids import Renamed
from intelpool.pool.themes import parse_themes

_STREAM = 5000


@dataclass(slots=True)
class ExportRequest:
    format: str
    observable_type: str | None = None
    themes: tuple[str, ...] = ()
    since: datetime | None = None


def export(conn: Connection, principal: Principal, request: ExportRequest, out: IO[bytes]) -> int:
    """Write the export to ``out``; returns how many observations it holds."""
    require(principal, Permission.POOL_READ)
    exporter = registry.get_exporter(request.format)
    known = {t.value for t in ObservableType}
    if request.observable_type is not None and request.observable_type not in known:
        raise InvalidInput(f"unknown observable type {request.observable_type!r}: use "
                           f"{', '.join(sorted(known))}")
    themes = parse_themes(list(request.themes))
    chosen = _chosen_contributions(principal, themes, request.since)
    handling = _handling_map(conn, principal, chosen)
    ids = select(chosen.c.id).scalar_subquery()
    renamed = stix_ids.renamed_parts(conn, ids)
    counter = _Counter()
    data = ExportData(
        requester=principal.organisation_name,
        generated_at=utcnow(),
        observations=lambda: counter.count(
            _observations(conn, ids, handling, request.observable_type)),
        entities=lambda: _entities(conn, ids, handling, renamed),
        relationships=lambda: _relationships(conn, principal, ids, handling, renamed),
        extra_objects=lambda: _extras(conn, ids, handling, renamed),
        observable_type=request.observable_type,
    )
    exporter.write(data, out)
    audit.record(conn, principal, "pool.export", subject_type="export",
                 subject_id=request.format,
                 detail={"format": request.format, "type": request.observable_type,
                         "themes": themes, "since": request.since.isoformat()
                         if request.since else None, "contributions": len(handling),
                         "observations": counter.total})
    return counter.total


class _Counter:
    def __init__(self) -> None:
        self.total = 0

    def count(self, items: Iterator[ExportObservation]) -> Iterator[ExportObservation]:
        self.total = 0
        for item in items:
            self.total += 1
            yield item


def _chosen_contributions(principal: Principal, themes: list[str],
                          since: datetime | None) -> Subquery:
    """The visible contributions the request selects, as SQL (never a list of ids)."""
    query = select(contributions.c.id).where(visible_contribution(principal))
    if themes:
        query = query.where(exists(select(1).where(
            contribution_themes.c.contribution_id == contributions.c.id,
            contribution_themes.c.theme.in_(themes))))
    if since is not None:
        query = query.where(contributions.c.received_at >= since)
    return query.subquery("chosen")


def _handling_map(conn: Connection, principal: Principal,
                  chosen: Subquery) -> dict[int, ExportHandling]:
    rows = conn.execute(
        select(contributions, organisations.c.name.label("originator_name"))
        .join(organisations, organisations.c.id == contributions.c.originator_id)
        .where(contributions.c.id.in_(select(chosen.c.id)))
    ).mappings().all()
    context = contribution_context(conn, [r["id"] for r in rows])
    return {r["id"]: _handling(r, principal, context) for r in rows}


def _handling(row: Any, principal: Principal,
              context: dict[str, dict[int, list[str]]]) -> ExportHandling:
    cid = row["id"]
    audience = (["pool"] if row["audience_pool"] else []) + sorted(context["audience"][cid])
    return ExportHandling(
        contribution_id=cid, originator=originator_label(row, principal), tlp=row["tlp"],
        pap=row["pap"], codes=tuple(c for c in row["handling_codes"].split(",") if c),
        h3_text=row["h3_text"], audience=tuple(audience), anonymous=bool(row["anonymous"]),
        eval_scheme=row["eval_scheme"], reliability=row["reliability"],
        credibility=row["credibility"], themes=tuple(context["themes"][cid]),
        title=row["title"], tags=json_list(row["tags"]), received_at=row["received_at"],
    )


def _stream(conn: Connection, query: Select[Any]) -> Iterator[Any]:
    # Per statement: Connection.execution_options would switch the whole connection.
    yield from conn.execute(query.execution_options(yield_per=_STREAM)).mappings()


def held_earlier() -> ColumnElement[bool]:
    """Whether an earlier contribution (visible or not) holds the observation's selector: its
    indicator then gets an id of its own, the same in every export and on every TAXII page."""
    earlier = observations.alias("earlier")
    return exists(select(1).select_from(earlier).where(
        earlier.c.observable_id == observations.c.observable_id,
        earlier.c.contribution_id < observations.c.contribution_id))


def _observations(conn: Connection, ids: ScalarSelect[Any], handling: dict[int, ExportHandling],
                  kind: str | None) -> Iterator[ExportObservation]:
    query = (
        select(observations, observables.c.type, observables.c.value,
               held_earlier().label("held_earlier"))
        .join(observables, observables.c.id == observations.c.observable_id)
        .where(observations.c.contribution_id.in_(ids))
        .order_by(observations.c.contribution_id, observations.c.id)
    )
    if kind:
        query = query.where(observables.c.type == kind)
    for r in _stream(conn, query):
        yield ExportObservation(
            type=r["type"], value=r["value"], handling=handling[r["contribution_id"]],
            role=r["role"], first_seen=r["first_seen"], last_seen=r["last_seen"],
            tags=json_list(r["tags"]), comment=r["comment"],
            to_ids=r["to_ids"], ref=r["ref"], held_earlier=bool(r["held_earlier"]))


def _entities(conn: Connection, ids: ScalarSelect[Any], handling: dict[int, ExportHandling],
              renamed: Renamed) -> Iterator[ExportEntity]:
    # Grouped by contribution, as observations are: exporters write one unit per contribution.
    query = (select(entities).where(entities.c.contribution_id.in_(ids))
             .order_by(entities.c.contribution_id, entities.c.id))
    for r in _stream(conn, query):
        yield ExportEntity(
            kind=r["kind"], name=r["name"], handling=handling[r["contribution_id"]],
            ref=r["ref"] or f"entity:{r['id']}", description=r["description"],
            aliases=json_list(r["aliases"]),
            body=orjson.loads(r["body"]) if r["body"] else None, row_id=r["id"],
            renamed=renamed.get(("e", r["id"]), frozenset()))


def _relationships(conn: Connection, principal: Principal | None, ids: ScalarSelect[Any],
                   handling: dict[int, ExportHandling],
                   renamed: Renamed) -> Iterator[ExportRelationship]:
    """A relationship whose resolved ends ``principal`` may see (None: every relationship,
    for the pool's own index of what it serves, never for a reader)."""
    src_obs, dst_obs = observables.alias("src_obs"), observables.alias("dst_obs")
    src_ent, dst_ent = entities.alias("src_ent"), entities.alias("dst_ent")
    query = (
        select(relationships, src_obs.c.type.label("src_type"),
               src_obs.c.value.label("src_value"), dst_obs.c.type.label("dst_type"),
               dst_obs.c.value.label("dst_value"), src_ent.c.ref.label("src_entity_ref"),
               dst_ent.c.ref.label("dst_entity_ref"), src_ent.c.kind.label("src_entity_kind"),
               dst_ent.c.kind.label("dst_entity_kind"))
        .outerjoin(src_obs, and_(relationships.c.source_kind == "observable",
                                 src_obs.c.id == relationships.c.source_id))
        .outerjoin(dst_obs, and_(relationships.c.target_kind == "observable",
                                 dst_obs.c.id == relationships.c.target_id))
        .outerjoin(src_ent, and_(relationships.c.source_kind == "entity",
                                 src_ent.c.id == relationships.c.source_id))
        .outerjoin(dst_ent, and_(relationships.c.target_kind == "entity",
                                 dst_ent.c.id == relationships.c.target_id))
        .where(relationships.c.contribution_id.in_(ids))
        .order_by(relationships.c.contribution_id, relationships.c.id)
    )
    if principal is not None:
        query = query.where(_end_visible(principal, "source"), _end_visible(principal, "target"))
    for r in _stream(conn, query):
        yield ExportRelationship(
            type=r["type"], source=_end(r, "source", "src"), target=_end(r, "target", "dst"),
            handling=handling[r["contribution_id"]], ref=r["ref"],
            body=orjson.loads(r["body"]) if r["body"] else None, row_id=r["id"],
            renamed=renamed.get(("r", r["id"]), frozenset()))


def _end_visible(principal: Principal, end: str) -> ColumnElement[bool]:
    """An unresolved end is only an id; a resolved one must sit in a visible contribution."""
    kind, ident = relationships.c[f"{end}_kind"], relationships.c[f"{end}_id"]
    owner = contributions.alias(f"{end}_owner")
    entity = entities.alias(f"{end}_entity")
    observation = observations.alias(f"{end}_observation")
    entity_visible = exists(select(1).select_from(entity.join(
        owner, owner.c.id == entity.c.contribution_id)).where(
        entity.c.id == ident, visible_contribution(principal, owner)))
    observable_visible = exists(select(1).select_from(observation.join(
        owner, owner.c.id == observation.c.contribution_id)).where(
        observation.c.observable_id == ident, visible_contribution(principal, owner)))
    return or_(kind.is_(None), and_(kind == "entity", entity_visible),
               and_(kind == "observable", observable_visible))


def _end(row: Any, end: str, prefix: str) -> ExportEnd:
    if row[f"{end}_kind"] == "observable":
        return ExportEnd("observable", row[f"{end}_ref"], row[f"{prefix}_type"],
                         row[f"{prefix}_value"])
    if row[f"{end}_kind"] == "entity":
        ref = row[f"{prefix}_entity_ref"] or f"entity:{row[f'{end}_id']}"
        return ExportEnd("entity", ref, row[f"{prefix}_entity_kind"])
    return ExportEnd("external", row[f"{end}_ref"])


def _extras(conn: Connection, ids: ScalarSelect[Any], handling: dict[int, ExportHandling],
            renamed: Renamed) -> Iterator[ExportExtraObject]:
    query = (select(extra_objects).where(extra_objects.c.contribution_id.in_(ids))
             .order_by(extra_objects.c.contribution_id, extra_objects.c.id))
    for r in _stream(conn, query):
        yield ExportExtraObject(type=r["type"], body=orjson.loads(r["body"]),
                                handling=handling[r["contribution_id"]], ref=r["ref"],
                                row_id=r["id"], renamed=renamed.get(("x", r["id"]), frozenset()))
