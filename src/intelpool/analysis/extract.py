"""The link graph's raw material, read set-based from SQL for one principal.

Every query starts from the contributions the visibility predicate allows (``visible``), so
nothing a viewer may not see reaches the graph. Node keys pack a kind into the low bits of
an id (``key = id * 4 + kind``), so edges come back as integer columns numpy can index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    CTE,
    Connection,
    and_,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)

from intelpool.access import Principal
from intelpool.access.visibility import visible_contribution
from intelpool.analysis.resolve import NOT_RESOLVED, EntityRow
from intelpool.db.tables import (
    contributions,
    entities,
    extra_objects,
    observables,
    observations,
    relationships,
)
from intelpool.db.types import json_list

OBSERVABLE, INSTANCE, CLUSTER, CONTRIBUTION = 0, 1, 2, 3
# Edge types, in the order their codes are stored.
EDGE_TYPES = ("relationship", "reported-together", "derived", "entity", "same-contribution")
REL, TOGETHER, DERIVED, ENTITY, SAME = range(5)
# A contribution of more selectors than this is a list or a feed: being in it links nothing.
SMALL_CONTRIBUTION = 25
# A record (one STIX object, MISP object or CSV row) of more selectors links nothing either.
LARGE_RECORD = 50

IntArray = npt.NDArray[np.int64]


@dataclass(slots=True)
class RawEdges:
    """Edges as columns: node keys, type code, label (relationship type), contribution."""

    a: IntArray
    b: IntArray
    kind: npt.NDArray[np.int8]
    label: list[str]
    contribution: IntArray
    weight: npt.NDArray[np.float64]


def visible(principal: Principal) -> CTE:
    return (select(contributions.c.id, contributions.c.originator_id,
                   contributions.c.accepted, contributions.c.received_at,
                   contributions.c.reliability, contributions.c.credibility)
            .where(visible_contribution(principal)).cte("vis").prefix_with("MATERIALIZED"))


def fingerprint_row(conn: Connection, principal: Principal) -> tuple[Any, ...]:
    """A cheap summary of what the principal may see: changes whenever that data changes."""
    vis = visible(principal)
    row = conn.execute(select(func.count(), func.coalesce(func.sum(vis.c.id), 0),
                              func.coalesce(func.max(vis.c.id), 0),
                              func.coalesce(func.sum(vis.c.accepted), 0))).one()
    warned = conn.execute(select(func.count()).select_from(observables)
                          .where(observables.c.warning.is_not(None))).scalar_one()
    return (*row, warned)


def entity_rows(conn: Connection, principal: Principal) -> list[EntityRow]:
    vis = visible(principal)
    rows = conn.execute(
        select(entities.c.id, entities.c.contribution_id, entities.c.kind, entities.c.name,
               entities.c.aliases, entities.c.body)
        .join(vis, vis.c.id == entities.c.contribution_id)
        .where(entities.c.kind.not_in(NOT_RESOLVED)).order_by(entities.c.id)
    ).all()
    return [EntityRow(r[0], r[1], r[2], r[3], json_list(r[4]), r[5]) for r in rows]


def _ends(vis: CTE) -> CTE:
    """What an entity end of a relationship stands for: itself, or an indicator's selectors."""
    ent = entities.alias("ent")
    itself = (select(ent.c.id.label("entity_id"), (ent.c.id * 4 + INSTANCE).label("node"))
              .join(vis, vis.c.id == ent.c.contribution_id)
              .where(ent.c.kind.not_in(NOT_RESOLVED)))
    # The visible observations that have a source id, walked once; each finds its
    # indicator (if any) by the entities' (contribution, ref) index. Only files holding
    # indicators are walked: a quarter of the observations at a million.
    holds = exists(select(1).select_from(entities)
                   .where(entities.c.kind == "indicator", entities.c.contribution_id == vis.c.id))
    refs = (select(observations.c.contribution_id.label("cid"), observations.c.ref,
                   observations.c.observable_id)
            .join(vis, vis.c.id == observations.c.contribution_id)
            .where(observations.c.ref.is_not(None), holds)
            .cte("refs").prefix_with("MATERIALIZED"))
    indicated = (select(ent.c.id.label("entity_id"),
                        (refs.c.observable_id * 4 + OBSERVABLE).label("node"))
                 .select_from(refs.join(ent, and_(ent.c.contribution_id == refs.c.cid,
                                                  ent.c.ref == refs.c.ref)))
                 .where(not_indexed(ent.c.kind) == "indicator"))
    return union_all(itself, indicated).cte("ends")


def not_indexed(column: Any) -> Any:
    """``column`` as an expression, which SQLite cannot look up by an index on it: without
    planner statistics it takes (kind, contribution) for the better index to find a
    selector's indicator, and reads every indicator of the file instead of the one that
    (contribution, ref) names."""
    return column + ""


def relationship_edges(conn: Connection, principal: Principal) -> RawEdges:
    """The visible relationships between resolved ends: a selector, an entity instance, or
    the selectors an indicator stands for (one link for each). The ends are matched in
    numpy: joining them in SQL indexed every end twice for a few thousand entities."""
    vis = visible(principal)
    r = relationships.c
    rows = conn.execute(
        select(r.source_kind, r.source_id, r.target_kind, r.target_id, r.type,
               r.contribution_id)
        .join(vis, vis.c.id == r.contribution_id)
        .where(r.source_id.is_not(None), r.target_id.is_not(None))).all()
    ends = _ends(vis)
    found = np.fromiter(cast(Iterable[tuple[int, int]],
                             conn.execute(select(ends.c.entity_id, ends.c.node)).cursor),
                        np.dtype([("entity", np.int64), ("node", np.int64)]))
    found = found[np.lexsort((found["node"], found["entity"]))]
    if not rows:
        return columns([])
    source_kind, source_id, target_kind, target_id, label, contribution = zip(*rows,
                                                                              strict=True)
    src, src_count = _end_choices(source_kind, source_id, found)
    dst, dst_count = _end_choices(target_kind, target_id, found)
    # Each relationship once for every pair of its ends, source ends first, in the order
    # the relationships came.
    count = src_count * dst_count
    rel = np.repeat(np.arange(len(rows)), count)
    offset = np.arange(len(rel)) - np.repeat(np.cumsum(count) - count, count)
    across = dst_count[rel]
    a, b = src(rel, offset // np.maximum(across, 1)), dst(rel, offset % np.maximum(across, 1))
    return RawEdges(a, b, np.full(len(rel), REL, np.int8), [label[i] for i in rel.tolist()],
                    np.asarray(contribution, np.int64)[rel], np.ones(len(rel)))


def _end_choices(kinds: tuple[Any, ...], ids: tuple[Any, ...],
                 found: npt.NDArray[Any]) -> tuple[Callable[[IntArray, IntArray], IntArray],
                                                   IntArray]:
    """For one end of each relationship: how many nodes it stands for (one for a selector,
    the ends found for an entity, none otherwise) and a function giving the j-th."""
    ident = np.asarray(ids, np.int64)
    kind = np.asarray(kinds, dtype=object)
    plain = kind == "observable"
    entity = kind == "entity"
    first = np.searchsorted(found["entity"], ident, "left")
    count = np.where(plain, 1, np.where(
        entity, np.searchsorted(found["entity"], ident, "right") - first, 0))
    # A sentinel after the ends: a selector end's place among them is never read.
    nodes = np.append(found["node"], 0)

    def choose(rel: IntArray, j: IntArray) -> IntArray:
        out: IntArray = np.where(plain[rel], ident[rel] * 4 + OBSERVABLE,
                                 nodes[np.minimum(first[rel] + j, len(nodes) - 1)])
        return out

    return choose, count.astype(np.int64)


def together_edges(conn: Connection, principal: Principal) -> list[Any]:
    """Selectors of one source record: same ref in one contribution, or one MISP object."""
    vis = visible(principal)
    o1, o2 = observations.alias("o1"), observations.alias("o2")
    groups = (select(observations.c.contribution_id, observations.c.ref,
                     func.count().label("n"))
              .join(vis, vis.c.id == observations.c.contribution_id)
              .where(observations.c.ref.is_not(None))
              .group_by(observations.c.contribution_id, observations.c.ref)
              .having(func.count().between(2, LARGE_RECORD)).cte("grp"))
    same_ref = (
        select(o1.c.observable_id * 4, o2.c.observable_id * 4, literal(TOGETHER),
               literal("same record"), o1.c.contribution_id, 1.0 / (groups.c.n - 1))
        .select_from(groups.join(o1, and_(o1.c.contribution_id == groups.c.contribution_id,
                                          o1.c.ref == groups.c.ref))
                     .join(o2, and_(o2.c.contribution_id == o1.c.contribution_id,
                                    o2.c.ref == o1.c.ref,
                                    o2.c.observable_id > o1.c.observable_id)))
    )
    # An object's selectors are gathered first and paired by (contribution, object):
    # pairing them through the relationships' contribution index read every relationship
    # of the file once per selector of an object.
    r = relationships.c
    contains = (select(r.id, r.contribution_id, r.source_ref, r.target_id)
                .join(vis, vis.c.id == r.contribution_id)
                .where(r.type == "contains", r.source_id.is_(None),
                       r.target_kind == "observable").cte("contains").prefix_with("MATERIALIZED"))
    c1, c2 = contains.alias("c1"), contains.alias("c2")
    same_object = (
        select(c1.c.target_id * 4, c2.c.target_id * 4, literal(TOGETHER),
               literal("same object"), c1.c.contribution_id, literal(1.0))
        .select_from(c1.join(c2, and_(c2.c.contribution_id == c1.c.contribution_id,
                                      c2.c.source_ref == c1.c.source_ref,
                                      c2.c.target_id > c1.c.target_id)))
        # The order the file states them in, as the links have always come.
        .order_by(c1.c.contribution_id, c1.c.id, c2.c.id)
    )
    return [*conn.execute(same_ref).all(), *conn.execute(same_object).all()]


def derived_edges(conn: Connection, principal: Principal) -> list[Any]:
    """URL and e-mail to their domain, subdomain to domain, address to its CIDR.

    The pairs are found from the values first and only they are asked whether the viewer's
    data holds them: gathering every visible selector first walked all the visible
    observations, three times the cost at a million, for a few thousand links."""
    vis = visible(principal)

    def seen(observable: Any) -> Any:
        o = observations.c
        return exists(select(1).select_from(observations.join(vis, vis.c.id == o.contribution_id))
                      .where(o.observable_id == observable))

    low, high = observables.alias("low"), observables.alias("high")
    host = (select(low.c.id.label("low"), high.c.id.label("high"))
            .select_from(low.join(high, and_(high.c.type == "domain",
                                             high.c.value == low.c.host)))
            .where(low.c.type.in_(("url", "email")), low.c.host.is_not(None))
            .cte("host").prefix_with("MATERIALIZED"))
    parent = (select(low.c.id.label("low"), high.c.id.label("high"),
                     low.c.rev_name.label("rev_name"))
              .select_from(high.join(low, and_(low.c.type == "domain",
                                               low.c.rev_name > high.c.rev_name + ".",
                                               low.c.rev_name < high.c.rev_name + "/")))
              .where(high.c.type == "domain").cte("parent").prefix_with("MATERIALIZED"))
    inside = (select(low.c.id * 4, high.c.id * 4, literal(DERIVED), literal("in CIDR"),
                     literal(0), literal(0.5))
              .select_from(high.join(low, and_(low.c.type.in_(("ipv4", "ipv6")),
                                               low.c.ip_lo >= high.c.ip_lo,
                                               low.c.ip_lo <= high.c.ip_hi)))
              .where(high.c.type == "cidr", seen(high.c.id)))
    # In the order the visible selectors came before: by the end the rule starts from.
    rows = [*conn.execute(select(host.c.low * 4, host.c.high * 4, literal(DERIVED),
                                 literal("host"), literal(0), literal(0.5))
                          .where(seen(host.c.low)).order_by(host.c.low)).all(),
            *conn.execute(select(parent.c.low * 4, parent.c.high * 4, literal(DERIVED),
                                 literal("subdomain"), literal(0), literal(0.5))
                          .where(seen(parent.c.high))
                          .order_by(parent.c.high, parent.c.rev_name)).all(),
            *conn.execute(inside).all()]
    return rows


def contribution_edges(conn: Connection, principal: Principal) -> list[Any]:
    """Selectors listed together in a small contribution: weak evidence, a star per file.
    Only for files that state no structure of their own: where the source says what relates
    to what (STIX relationships and observed-data, MISP objects), co-listing adds nothing
    but false links between cases."""
    vis = visible(principal)
    structured = or_(exists(select(1).select_from(relationships)
                            .where(relationships.c.contribution_id == vis.c.id)),
                     exists(select(1).select_from(extra_objects)
                            .where(extra_objects.c.contribution_id == vis.c.id,
                                   extra_objects.c.type == "observed-data")))
    query = (select(observations.c.observable_id * 4,
                    observations.c.contribution_id * 4 + CONTRIBUTION, literal(SAME),
                    literal("same contribution"), observations.c.contribution_id,
                    1.0 / func.sqrt(vis.c.accepted * 1.0))
             .join(vis, vis.c.id == observations.c.contribution_id)
             .where(vis.c.accepted.between(2, SMALL_CONTRIBUTION), ~structured))
    return list(conn.execute(query).all())


def concat(parts: list[RawEdges]) -> RawEdges:
    return RawEdges(np.concatenate([p.a for p in parts]), np.concatenate([p.b for p in parts]),
                    np.concatenate([p.kind for p in parts]),
                    [label for p in parts for label in p.label],
                    np.concatenate([p.contribution for p in parts]),
                    np.concatenate([p.weight for p in parts]))


def columns(rows: list[Any]) -> RawEdges:
    if not rows:
        return RawEdges(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int8), [],
                        np.zeros(0, np.int64), np.zeros(0))
    # Transposed once: a column at a time from the row tuples cost five passes.
    a, b, kind, label, contribution, weight = zip(*rows, strict=True)
    return RawEdges(
        a=np.array(a, np.int64),
        b=np.array(b, np.int64),
        kind=np.array(kind, np.int8),
        label=list(label),
        contribution=np.array(contribution, np.int64),
        weight=np.array([float(w) for w in weight], np.float64),
    )


@dataclass(frozen=True, slots=True)
class ContributionMeta:
    originator: str  # named, or "a partner" as search shows it
    originator_id: int
    themes: tuple[str, ...]
    received_at: float


def contribution_meta(conn: Connection, principal: Principal,
                      ids: list[int]) -> dict[int, ContributionMeta]:
    """Originator (per anonymity) and themes of the given contributions the principal sees."""
    from intelpool.db.tables import contribution_themes, organisations
    from intelpool.pool.reads import originator_label

    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    themes: dict[int, list[str]] = {}
    out: dict[int, ContributionMeta] = {}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start:start + 5000]
        for cid, theme in conn.execute(
            select(contribution_themes.c.contribution_id, contribution_themes.c.theme)
            .where(contribution_themes.c.contribution_id.in_(chunk))
        ):
            themes.setdefault(cid, []).append(theme)
        for row in conn.execute(
            select(contributions.c.id, contributions.c.anonymous, contributions.c.originator_id,
                   contributions.c.received_at,
                   organisations.c.name.label("originator_name"))
            .join(organisations, organisations.c.id == contributions.c.originator_id)
            .where(contributions.c.id.in_(chunk), visible_contribution(principal))
        ).mappings():
            out[row["id"]] = ContributionMeta(
                originator_label(row, principal), row["originator_id"],
                tuple(sorted(themes.get(row["id"], []))), row["received_at"].timestamp())
    return out
