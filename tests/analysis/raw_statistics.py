"""The reference the summary is checked against: statistics and trend series counted from
raw observations, as they were before the summary existed. Tests only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Select,
    and_,
    case,
    distinct,
    exists,
    func,
    or_,
    select,
    union_all,
)

from intelpool.access import Permission, Principal, require
from intelpool.access.disclosure import (
    TOTAL,
    CellFigures,
    DisclosureRules,
    protect,
    statistics_source,
)
from intelpool.access.visibility import visible_contribution, visible_contribution_ids
from intelpool.analysis.dimensions import Sources, expression
from intelpool.analysis.periods import Period, require_whole_months
from intelpool.analysis.statistics import PARTNERSHIP_NOTES, StatsTable
from intelpool.analysis.trends import _ENTITY_KINDS, Windows, by_entity, entity_names
from intelpool.db.tables import (
    access_requests,
    contribution_themes,
    contributions,
    entities,
    hits,
    observables,
    observations,
    organisations,
)
from intelpool.pool.summary import SELECTOR_CATEGORIES, subject_of

VISIBLE_MEASURES = ("contributions", "observations", "selectors", "hits", "access_requests")
PARTNERSHIP_MEASURES = ("contributions", "observations", "hits", "access_requests")


@dataclass(frozen=True, slots=True)
class _Facts:
    """A set of facts to count: their contribution, observable and time columns."""

    base: FromClause
    contribution_id: ColumnElement[Any]
    observable_id: ColumnElement[Any] | None
    time: ColumnElement[Any]


def _grouped(conn: Connection, facts: _Facts, dims: tuple[str, ...], viewer: int | None,
             where: ColumnElement[bool], measures: list[ColumnElement[Any]],
             extra_group: list[ColumnElement[Any]] | None = None) -> list[Any]:
    joined = facts.base.join(contributions, contributions.c.id == facts.contribution_id).join(
        organisations, organisations.c.id == contributions.c.originator_id)
    if "theme" in dims:
        joined = joined.outerjoin(contribution_themes,
                                  contribution_themes.c.contribution_id == contributions.c.id)
    type_col = None
    if "type" in dims and facts.observable_id is not None:
        joined = joined.join(observables, observables.c.id == facts.observable_id)
        type_col = observables.c.type
    src = Sources(contributions, organisations, contribution_themes, facts.time, type_col,
                  viewer)
    keys = [expression(d, src, conn.dialect.name).label(f"d{i}") for i, d in enumerate(dims)]
    extra = extra_group or []
    query: Select[Any] = select(*keys, *extra, *measures).select_from(joined).where(where)
    if keys or extra:
        query = query.group_by(*keys, *extra)
    return list(conn.execute(query).all())


def _in_period(facts: _Facts, period: Period) -> ColumnElement[bool]:
    return and_(facts.time >= period.start, facts.time < period.end)


def _observation_facts() -> _Facts:
    return _Facts(observations, observations.c.contribution_id, observations.c.observable_id,
                  func.coalesce(observations.c.first_seen, contributions.c.received_at))


def _hit_facts(principal: Principal) -> _Facts:
    """Hits the viewer knows of: its own (counted on its side) and those between two
    contributions it may see (counted on side a)."""
    me = principal.organisation_id or -1
    mine = hits.c.org_a_id == me
    ca, cb = contributions.alias("ca"), contributions.alias("cb")
    own = select(hits.c.id,
                 case((mine, hits.c.contribution_a_id), else_=hits.c.contribution_b_id)
                 .label("cid"),
                 case((mine, hits.c.observable_a_id), else_=hits.c.observable_b_id)
                 .label("oid"), hits.c.first_at.label("at")).where(
        or_(hits.c.org_a_id == me, hits.c.org_b_id == me))
    seen = select(hits.c.id, hits.c.contribution_a_id, hits.c.observable_a_id,
                  hits.c.first_at).select_from(
        hits.join(ca, ca.c.id == hits.c.contribution_a_id)
        .join(cb, cb.c.id == hits.c.contribution_b_id)).where(
        hits.c.org_a_id != me, hits.c.org_b_id != me,
        visible_contribution(principal, ca), visible_contribution(principal, cb))
    facts = union_all(own, seen).subquery("hit_facts")
    return _Facts(facts, facts.c.cid, facts.c.oid, facts.c.at)


def _partner_hit_facts() -> _Facts:
    """Every hit, on its side a, with side b's organisation; side b not red nor withheld."""
    cb = contributions.alias("cb")
    facts = select(hits.c.contribution_a_id.label("cid"), hits.c.observable_a_id.label("oid"),
                   hits.c.org_b_id.label("other"), hits.c.first_at.label("at")).select_from(
        hits.join(cb, cb.c.id == hits.c.contribution_b_id)).where(
        statistics_source(cb)).subquery("partner_hits")
    return _Facts(facts, facts.c.cid, facts.c.oid, facts.c.at)


def _partner_request_facts() -> _Facts:
    facts = select(access_requests.c.contribution_id.label("cid"),
                   access_requests.c.requester_org_id.label("other"),
                   access_requests.c.created_at.label("at")).subquery("partner_requests")
    return _Facts(facts, facts.c.cid, None, facts.c.at)


def _request_facts(principal: Principal) -> _Facts:
    """Access requests the viewer's organisation made or was asked."""
    me = principal.organisation_id or -1
    facts = select(access_requests.c.id, access_requests.c.contribution_id.label("cid"),
                   access_requests.c.created_at.label("at")).where(
        or_(access_requests.c.requester_org_id == me, access_requests.c.holder_org_id == me)
    ).subquery("request_facts")
    return _Facts(facts, facts.c.cid, None, facts.c.at)


def visible_statistics(conn: Connection, principal: Principal, dims: tuple[str, ...],
                       period: Period) -> StatsTable:
    """Exact counts over what the viewer's organisation may see, with a total row."""
    require(principal, Permission.POOL_READ)
    table = StatsTable("visible", dims, period.label, VISIBLE_MEASURES)
    viewer = principal.organisation_id
    obs = _observation_facts()
    counted = [("hits", _hit_facts(principal)), ("access_requests", _request_facts(principal))]
    total = (TOTAL,) * max(len(dims), 1)
    for keys in ([dims, ()] if dims else [()]):
        n = len(keys)

        def cell(row: Any, n: int = n) -> dict[str, int | None]:
            label = tuple(str(row[i]) for i in range(n)) if n else total
            return table.cells.setdefault(label, _zero(VISIBLE_MEASURES))

        for row in _grouped(conn, obs, keys, viewer,
                            and_(obs.contribution_id.in_(visible_contribution_ids(principal)),
                                 _in_period(obs, period)),
                            [func.count(distinct(obs.contribution_id)), func.count(),
                             func.count(distinct(observations.c.observable_id))]):
            target = cell(row)
            target["contributions"], target["observations"], target["selectors"] = row[n:n + 3]
        for name, facts in counted:
            for row in _grouped(conn, facts, keys, viewer, _in_period(facts, period),
                                [func.count(distinct(facts.base.c.id))]):
                cell(row)[name] = row[n]
    return table


def _zero(measures: tuple[str, ...]) -> dict[str, int | None]:
    return dict.fromkeys(measures, 0)


def partnership_statistics(conn: Connection, principal: Principal, dims: tuple[str, ...],
                           period: Period, rules: DisclosureRules) -> StatsTable:
    """Pool-wide counts every member may receive, protected by ``access.disclosure``."""
    require(principal, Permission.POOL_READ)
    require_whole_months(period)
    table = StatsTable("partnership", dims, period.label, PARTNERSHIP_MEASURES,
                       rules=rules.describe(), notes=list(PARTNERSHIP_NOTES))
    obs = _observation_facts()
    rows = _grouped(conn, obs, dims, None,
                    and_(statistics_source(), _in_period(obs, period)),
                    [func.count(distinct(obs.contribution_id)), func.count()],
                    extra_group=[contributions.c.originator_id])
    n = len(dims)
    figures: dict[str, dict[tuple[Any, ...], CellFigures]] = {
        m: defaultdict(CellFigures) for m in PARTNERSHIP_MEASURES}
    for row in rows:
        key: tuple[str, ...] = tuple(str(row[i]) for i in range(n)) if dims else (TOTAL,)
        org = int(row[n])
        for offset, measure in enumerate(("contributions", "observations")):
            cell = figures[measure][key]
            cell.total += int(row[n + 1 + offset])
            cell.add(org, int(row[n + 1 + offset]))
    for measure, facts in (("hits", _partner_hit_facts()),
                           ("access_requests", _partner_request_facts())):
        for row in _grouped(conn, facts, dims, None,
                            and_(statistics_source(), _in_period(facts, period)),
                            [func.count()],
                            extra_group=[contributions.c.originator_id, facts.base.c.other]):
            key = tuple(str(row[i]) for i in range(n)) if dims else (TOTAL,)
            cell = figures[measure][key]
            cell.total += int(row[n + 2])
            cell.add(int(row[n]), int(row[n + 2]))
            cell.add(int(row[n + 1]), int(row[n + 2]))
    for measure, cells in figures.items():
        protected = protect(cells, rules)
        for pkey, value in protected.values.items():
            label = tuple(str(k) for k in pkey)
            table.cells.setdefault(label, dict.fromkeys(PARTNERSHIP_MEASURES))[measure] = value
    return table


def trend_series(conn: Connection, principal: Principal, category: str, windows: Windows,
                 theme: str | None) -> dict[str, dict[int, dict[int, int]]]:
    """subject -> window -> contribution -> observations, over raw observations."""
    moment = func.coalesce(observations.c.first_seen, contributions.c.received_at)
    joined = observations.join(contributions,
                               contributions.c.id == observations.c.contribution_id)
    condition: ColumnElement[bool]
    if category in SELECTOR_CATEGORIES:
        joined = joined.join(observables, observables.c.id == observations.c.observable_id)
        subject, condition = subject_of(conn, category)
    elif category == "theme":
        joined = joined.join(contribution_themes,
                             contribution_themes.c.contribution_id == contributions.c.id)
        subject, condition = contribution_themes.c.theme, and_(True)
    else:
        # Resolved entities: counted per contribution, then named by its clusters.
        subject = contributions.c.id
        condition = exists(select(1).select_from(entities).where(
            entities.c.contribution_id == contributions.c.id,
            entities.c.kind.in_(_ENTITY_KINDS[category])))
    bounds = windows.bounds
    where = [observations.c.contribution_id.in_(visible_contribution_ids(principal)),
             condition, moment >= bounds[0], moment < windows.end]
    if theme:
        chosen = contribution_themes.alias("chosen_theme")
        where.append(exists(select(1).select_from(chosen).where(
            chosen.c.contribution_id == contributions.c.id, chosen.c.theme == theme)))
    bucket = case(*[(moment >= bounds[i], i) for i in range(windows.count - 1, 0, -1)],
                  else_=0)
    query = (select(subject, bucket, contributions.c.id, func.count()).select_from(joined)
             .where(*where).group_by(subject, bucket, contributions.c.id))
    if category in _ENTITY_KINDS:
        return by_entity(((cid, window, count) for _, window, cid, count in conn.execute(query)),
                         entity_names(conn, principal, category))
    out: dict[str, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for name, window, cid, count in conn.execute(query):
        if name:
            out[str(name)][int(window)][int(cid)] = int(count)
    return out
