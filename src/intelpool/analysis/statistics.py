"""Statistics: counts over what a viewer may see, and partnership tables under disclosure
control. Every query here applies a predicate from ``access/`` in SQL.

Observations, contributions and selectors are summed from the summary kept at ingest
(``pool/summary.py``): rows per contribution, day and type, filtered by the same visibility
predicate on their contributions as raw observations would be."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Select,
    and_,
    case,
    distinct,
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
from intelpool.db.tables import (
    access_requests,
    contribution_themes,
    contributions,
    hits,
    observables,
    observation_counts,
    organisations,
    shared_observations,
)

VISIBLE_MEASURES = ("contributions", "observations", "selectors", "hits", "access_requests")
PARTNERSHIP_MEASURES = ("contributions", "observations")


@dataclass(slots=True)
class StatsTable:
    scope: str
    dimensions: tuple[str, ...]
    period: str
    measures: tuple[str, ...]
    # key (one label per dimension; "(total)" in margins) -> measure -> count (None: suppressed)
    cells: dict[tuple[str, ...], dict[str, int | None]] = field(default_factory=dict)
    rules: dict[str, int] | None = None
    notes: list[str] = field(default_factory=list)

    def ordered(self) -> list[tuple[tuple[str, ...], dict[str, int | None]]]:
        """Rows by label, margins after the cells they sum."""
        return sorted(self.cells.items(),
                      key=lambda item: [(k == TOTAL, k) for k in item[0]])

    def to_json(self) -> dict[str, Any]:
        rows = [{**dict(zip(self.dimensions or ("all",), key, strict=False)), **values}
                for key, values in self.ordered()]
        return {"scope": self.scope, "dimensions": list(self.dimensions),
                "period": self.period, "measures": list(self.measures), "rows": rows,
                "rules": self.rules, "note": "a suppressed cell is null, never zero"}

    @property
    def empty(self) -> bool:
        return not any(v for row in self.cells.values() for v in row.values())

    @property
    def rules_text(self) -> str:
        """The disclosure rules applied, in words ("" for the visible scope)."""
        return DisclosureRules(**self.rules).text() if self.rules else ""


@dataclass(frozen=True, slots=True)
class _Facts:
    """A set of facts to count: their contribution, observable (or type) and time columns."""

    base: FromClause
    contribution_id: ColumnElement[Any]
    observable_id: ColumnElement[Any] | None
    time: ColumnElement[Any]
    type: ColumnElement[Any] | None = None  # when the facts carry their selectors' type
    daily: bool = False  # ``time`` is a calendar day


def _grouped(conn: Connection, facts: _Facts, dims: tuple[str, ...], viewer: int | None,
             where: ColumnElement[bool], measures: list[ColumnElement[Any]],
             extra_group: list[ColumnElement[Any]] | None = None) -> list[Any]:
    joined = facts.base.join(contributions, contributions.c.id == facts.contribution_id).join(
        organisations, organisations.c.id == contributions.c.originator_id)
    if "theme" in dims:
        joined = joined.outerjoin(contribution_themes,
                                  contribution_themes.c.contribution_id == contributions.c.id)
    type_col = facts.type
    if "type" in dims and type_col is None and facts.observable_id is not None:
        joined = joined.join(observables, observables.c.id == facts.observable_id)
        type_col = observables.c.type
    src = Sources(contributions, organisations, contribution_themes, facts.time, type_col,
                  viewer, facts.daily)
    keys = [expression(d, src, conn.dialect.name).label(f"d{i}") for i, d in enumerate(dims)]
    extra = extra_group or []
    query: Select[Any] = select(*keys, *extra, *measures).select_from(joined).where(where)
    if keys or extra:
        query = query.group_by(*keys, *extra)
    return list(conn.execute(query).all())


def _in_period(facts: _Facts, period: Period) -> ColumnElement[bool]:
    if facts.daily:
        first, after = period.days
        return and_(facts.time >= first, facts.time < after)
    return and_(facts.time >= period.start, facts.time < period.end)


def _count_facts() -> _Facts:
    """The summary's observation counts (per contribution, day and type)."""
    oc = observation_counts
    return _Facts(oc, oc.c.contribution_id, None, oc.c.day, oc.c.type, daily=True)


def _shared_facts() -> _Facts:
    """The observations of selectors held by more than one contribution."""
    so = shared_observations
    return _Facts(so, so.c.contribution_id, so.c.observable_id, so.c.day, so.c.type,
                  daily=True)


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
    counts, shared = _count_facts(), _shared_facts()
    counted = [("hits", _hit_facts(principal)), ("access_requests", _request_facts(principal))]
    total = (TOTAL,) * max(len(dims), 1)
    for keys in ([dims, ()] if dims else [()]):
        n = len(keys)

        def cell(row: Any, n: int = n) -> dict[str, int | None]:
            label = tuple(str(row[i]) for i in range(n)) if n else total
            return table.cells.setdefault(label, _zero(VISIBLE_MEASURES))

        def visible(facts: _Facts) -> ColumnElement[bool]:
            return and_(facts.contribution_id.in_(visible_contribution_ids(principal)),
                        _in_period(facts, period))

        for row in _grouped(conn, counts, keys, viewer, visible(counts),
                            [func.count(distinct(counts.contribution_id)),
                             func.sum(observation_counts.c.observations)]):
            target = cell(row)
            target["contributions"] = int(row[n])
            target["observations"] = target["selectors"] = int(row[n + 1] or 0)
        # A selector held once counts once; those held more often count once per cell.
        held = shared_observations.c.observable_id
        for row in _grouped(conn, shared, keys, viewer, visible(shared),
                            [func.count(), func.count(distinct(held))]):
            target = cell(row)
            target["selectors"] = int(target["selectors"] or 0) - int(row[n]) + int(row[n + 1])
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
                       rules=rules.describe())
    counts = _count_facts()
    rows = _grouped(conn, counts, dims, None,
                    and_(statistics_source(), _in_period(counts, period)),
                    [func.count(distinct(counts.contribution_id)),
                     func.sum(observation_counts.c.observations)],
                    extra_group=[contributions.c.originator_id])
    n = len(dims)
    figures: dict[str, dict[tuple[Any, ...], CellFigures]] = {
        m: defaultdict(CellFigures) for m in PARTNERSHIP_MEASURES}
    for row in rows:
        key: tuple[str, ...] = tuple(str(row[i]) for i in range(n)) if dims else (TOTAL,)
        org = int(row[n])
        for offset, measure in enumerate(PARTNERSHIP_MEASURES):
            cell = figures[measure][key]
            cell.total += int(row[n + 1 + offset])
            cell.add(org, int(row[n + 1 + offset]))
    for measure, cells in figures.items():
        protected = protect(cells, rules)
        for pkey, value in protected.values.items():
            label = tuple(str(k) for k in pkey)
            table.cells.setdefault(label, dict.fromkeys(PARTNERSHIP_MEASURES))[measure] = value
    return table
