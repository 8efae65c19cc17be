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
    literal,
    or_,
    select,
    true,
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
from intelpool.access.visibility import visible_contribution_ids
from intelpool.analysis import shared_selectors
from intelpool.analysis.dimensions import Sources, day_bucket, expression, time_bucket
from intelpool.analysis.periods import Period, require_whole_months
from intelpool.db.tables import (
    access_requests,
    contribution_themes,
    contributions,
    hit_counts,
    observables,
    observation_counts,
    organisations,
)

VISIBLE_MEASURES = ("contributions", "observations", "selectors", "hits", "access_requests")
PARTNERSHIP_MEASURES = ("contributions", "observations", "hits", "access_requests")
# How the partnership tables count what two organisations share, said with every table.
PARTNERSHIP_NOTES = (
    "a hit counts once, under its side a: the organisation and contribution whose selector "
    "is the specific one (an exact hit: the lower organisation id); both organisations count "
    "among the cell's contributors, and no TLP:RED or withheld contribution on either side",
    "an access request counts once, under the contribution asked for (its theme, type, "
    "holder) and the month it was made; requester and holder both count among the cell's "
    "contributors")


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
                "rules": self.rules, "note": "a suppressed cell is null, never zero",
                "notes": self.notes}

    @property
    def empty(self) -> bool:
        return not any(v for row in self.cells.values() for v in row.values())

    @property
    def rules_text(self) -> str:
        """The disclosure rules applied, in words ("" for the visible scope)."""
        return DisclosureRules(**self.rules).text() if self.rules else ""


_TIME_DIMENSIONS = ("month", "quarter", "week")
_ORGANISATION_DIMENSIONS = ("partner-kind", "country", "originator")


@dataclass(frozen=True, slots=True)
class _Facts:
    """A set of facts to count: their contribution, observable (or type) and time columns."""

    base: FromClause
    contribution_id: ColumnElement[Any]
    observable_id: ColumnElement[Any] | None
    time: ColumnElement[Any]
    type: ColumnElement[Any] | None = None  # when the facts carry their selectors' type
    daily: bool = False  # ``time`` is a calendar day
    # Time dimensions the facts carry already bucketed (summed per contribution).
    buckets: tuple[tuple[str, ColumnElement[Any]], ...] = ()


def _grouped(conn: Connection, facts: _Facts, dims: tuple[str, ...], viewer: int | None,
             where: ColumnElement[bool], measures: list[ColumnElement[Any]],
             extra_group: list[ColumnElement[Any]] | None = None) -> list[Any]:
    joined = facts.base
    # Contributions and their originators only when a dimension or the filter needs them.
    if extra_group or any(d in _ORGANISATION_DIMENSIONS for d in dims):
        joined = joined.join(contributions, contributions.c.id == facts.contribution_id).join(
            organisations, organisations.c.id == contributions.c.originator_id)
    if "theme" in dims:
        joined = joined.outerjoin(contribution_themes,
                                  contribution_themes.c.contribution_id == facts.contribution_id)
    type_col = facts.type
    if "type" in dims and type_col is None and facts.observable_id is not None:
        joined = joined.join(observables, observables.c.id == facts.observable_id)
        type_col = observables.c.type
    src = Sources(contributions, organisations, contribution_themes, facts.time, type_col,
                  viewer, facts.daily)
    ready = dict(facts.buckets)
    keys = [(ready[d] if d in ready else expression(d, src, conn.dialect.name)).label(f"d{i}")
            for i, d in enumerate(dims)]
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


def _per_contribution(conn: Connection, facts: _Facts, dims: tuple[str, ...],
                      where: ColumnElement[bool], count: ColumnElement[Any]) -> _Facts:
    """``count`` of the facts in ``where``, per contribution and the dimensions the facts
    carry (time bucket, type), before contribution dimensions (theme, originator ...)
    multiply them: a few rows per contribution to join instead of one per fact."""
    base, type_col = facts.base, facts.type
    if "type" in dims and type_col is None and facts.observable_id is not None:
        base = base.join(observables, observables.c.id == facts.observable_id)
        type_col = observables.c.type
    bucket = day_bucket if facts.daily else time_bucket
    columns: list[ColumnElement[Any]] = [facts.contribution_id.label("cid")]
    columns += [bucket(d, facts.time, conn.dialect.name).label(f"t_{d}")
                for d in dims if d in _TIME_DIMENSIONS]
    if "type" in dims and type_col is not None:
        columns.append(type_col.label("type"))
    summed = (select(*columns, count.label("n")).select_from(base).where(where)
              .group_by(*columns).subquery("summed"))
    return _Facts(summed, summed.c.cid, None, literal(None), summed.c.get("type"),
                  facts.daily,
                  tuple((d, summed.c[f"t_{d}"]) for d in dims if d in _TIME_DIMENSIONS))


def _count_facts() -> _Facts:
    """The summary's observation counts (per contribution, day and type)."""
    oc = observation_counts
    return _Facts(oc, oc.c.contribution_id, None, oc.c.day, oc.c.type, daily=True)


def _hit_facts(principal: Principal) -> _Facts:
    """Hits the viewer knows of, from the hit summary (``pool/hit_summary.py``): its own
    (counted on its side, with its selector's type) and those between two contributions it
    may see (counted on side a)."""
    me = principal.organisation_id or -1
    hc = hit_counts
    mine = hc.c.org_a_id == me
    own = select(case((mine, hc.c.contribution_a_id), else_=hc.c.contribution_b_id)
                 .label("cid"), case((mine, hc.c.type_a), else_=hc.c.type_b).label("type"),
                 hc.c.day, hc.c.hits).where(or_(hc.c.org_a_id == me, hc.c.org_b_id == me))
    seen = select(hc.c.contribution_a_id, hc.c.type_a, hc.c.day, hc.c.hits).where(
        hc.c.org_a_id != me, hc.c.org_b_id != me,
        hc.c.contribution_a_id.in_(visible_contribution_ids(principal)),
        hc.c.contribution_b_id.in_(visible_contribution_ids(principal)))
    facts = union_all(own, seen).subquery("hit_facts")
    return _Facts(facts, facts.c.cid, None, facts.c.day, facts.c.type, daily=True)


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
    total = (TOTAL,) * max(len(dims), 1)
    for keys in ([dims, ()] if dims else [()]):
        n = len(keys)

        def cell(row: Any, n: int = n) -> dict[str, int | None]:
            label = tuple(str(row[i]) for i in range(n)) if n else total
            return table.cells.setdefault(label, _zero(VISIBLE_MEASURES))

        oc, hit, asked = _count_facts(), _hit_facts(principal), _request_facts(principal)
        counts = _per_contribution(
            conn, oc, keys, and_(oc.contribution_id.in_(visible_contribution_ids(principal)),
                                 _in_period(oc, period)),
            func.sum(observation_counts.c.observations))
        for row in _grouped(conn, counts, keys, viewer, true(),
                            [func.count(distinct(counts.contribution_id)),
                             func.sum(counts.base.c.n)]):
            target = cell(row)
            target["contributions"] = int(row[n])
            target["observations"] = target["selectors"] = int(row[n + 1] or 0)
        # A selector held once counts once; those held more often count once per cell.
        for key, repeated in shared_selectors.repeats(conn, principal, keys, period).items():
            target = table.cells.setdefault(key or total, _zero(VISIBLE_MEASURES))
            target["selectors"] = int(target["selectors"] or 0) - repeated
        for name, facts, count in (("hits", hit, func.sum(hit.base.c.hits)),
                                   ("access_requests", asked, func.count())):
            summed = _per_contribution(conn, facts, keys, _in_period(facts, period), count)
            for row in _grouped(conn, summed, keys, viewer, true(),
                                [func.sum(summed.base.c.n)]):
                cell(row)[name] = int(row[n] or 0)
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
    figures: dict[str, dict[tuple[Any, ...], CellFigures]] = {
        m: defaultdict(CellFigures) for m in PARTNERSHIP_MEASURES}
    n = len(dims)

    def key_of(row: Any) -> tuple[str, ...]:
        return tuple(str(row[i]) for i in range(n)) if dims else (TOTAL,)

    oc = _count_facts()
    counts = _per_contribution(conn, oc, dims, _in_period(oc, period),
                               func.sum(observation_counts.c.observations))
    for row in _grouped(conn, counts, dims, None, statistics_source(),
                        [func.count(distinct(counts.contribution_id)),
                         func.sum(counts.base.c.n)],
                        extra_group=[contributions.c.originator_id]):
        for offset, measure in enumerate(("contributions", "observations")):
            cell = figures[measure][key_of(row)]
            cell.total += int(row[n + 1 + offset])
            cell.add(int(row[n]), int(row[n + 1 + offset]))
    for measure, facts in (("hits", _partner_hit_facts()),
                           ("access_requests", _partner_request_facts())):
        for row in _grouped(conn, facts, dims, None,
                            and_(statistics_source(), _in_period(facts, period)),
                            [func.sum(facts.base.c.n)],
                            extra_group=[contributions.c.originator_id, facts.base.c.other]):
            # Counted once in its cell; both organisations brought it (K and dominance).
            cell, count = figures[measure][key_of(row)], int(row[n + 2])
            cell.total += count
            cell.add(int(row[n]), count)
            cell.add(int(row[n + 1]), count)
    for measure, cells in figures.items():
        protected = protect(cells, rules)
        for pkey, value in protected.values.items():
            label = tuple(str(k) for k in pkey)
            table.cells.setdefault(label, dict.fromkeys(PARTNERSHIP_MEASURES))[measure] = value
    return table


def _partner_hit_facts() -> _Facts:
    """Hits from the hit summary, each on its side a's contribution (its theme, type,
    originator), with the organisation on side b; side b's contribution must be a source of
    statistics too (side a's is checked with the cell's other facts)."""
    hc, theirs = hit_counts, contributions.alias("side_b")
    facts = (select(hc.c.contribution_a_id.label("cid"), hc.c.org_b_id.label("other"),
                    hc.c.type_a.label("type"), hc.c.day, hc.c.hits.label("n"))
             .select_from(hc.join(theirs, theirs.c.id == hc.c.contribution_b_id))
             .where(statistics_source(theirs)).subquery("partner_hits"))
    return _Facts(facts, facts.c.cid, None, facts.c.day, facts.c.type, daily=True)


def _partner_request_facts() -> _Facts:
    """Access requests, each on the contribution asked for, with the requester."""
    ar = access_requests
    facts = select(ar.c.contribution_id.label("cid"), ar.c.requester_org_id.label("other"),
                   ar.c.created_at.label("at"), literal(1).label("n")
                   ).subquery("partner_requests")
    return _Facts(facts, facts.c.cid, None, facts.c.at)
