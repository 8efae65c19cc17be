"""The report's own reads: the contributions it draws on (visible ones only) and the
cooperation tables (pool-wide, under disclosure control)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, func, select

from intelpool.access import Principal
from intelpool.access.disclosure import (
    CellFigures,
    DisclosureRules,
    ProtectedTable,
    protect,
    statistics_source,
)
from intelpool.access.visibility import visible_contribution
from intelpool.analysis.periods import Period
from intelpool.analysis.report.model import AnnexEntry
from intelpool.db.tables import (
    access_requests,
    contribution_themes,
    contributions,
    hit_counts,
    observation_counts,
    organisations,
)
from intelpool.pool.reads import contribution_context, originator_label


def drawn_on(conn: Connection, principal: Principal, period: Period,
             themes: tuple[str, ...]) -> list[AnnexEntry]:
    """Every visible contribution with an observation in the period (of the themes)."""
    first, after = period.days
    oc = observation_counts
    in_period = exists(select(1).select_from(oc).where(
        oc.c.contribution_id == contributions.c.id, oc.c.day >= first, oc.c.day < after))
    where = [visible_contribution(principal), in_period]
    if themes:
        where.append(exists(select(1).select_from(contribution_themes).where(
            contribution_themes.c.contribution_id == contributions.c.id,
            contribution_themes.c.theme.in_(themes))))
    return _entries(conn, principal, where)


def entries(conn: Connection, principal: Principal, ids: list[int]) -> list[AnnexEntry]:
    """The annex entries of these contributions, of those the viewer may see."""
    if not ids:
        return []
    return _entries(conn, principal, [visible_contribution(principal),
                                      contributions.c.id.in_(ids)])


def _entries(conn: Connection, principal: Principal, where: list[ColumnElement[bool]]
             ) -> list[AnnexEntry]:
    rows = conn.execute(
        select(contributions, organisations.c.name.label("originator_name"))
        .join(organisations, organisations.c.id == contributions.c.originator_id)
        .where(*where).order_by(contributions.c.id)).mappings().all()
    context = contribution_context(conn, [r["id"] for r in rows])
    return [AnnexEntry(r["id"], originator_label(r, principal), r["received_at"],
                       r["title"] or r["source_name"] or "(untitled)", r["tlp"], r["pap"],
                       r["handling_codes"] or "", ", ".join(context["themes"][r["id"]]))
            for r in rows]


def h3_texts(conn: Connection, ids: list[int]) -> list[str]:
    if not ids:
        return []
    found = conn.execute(select(contributions.c.h3_text).where(
        contributions.c.id.in_(ids), contributions.c.h3_text.is_not(None)).distinct())
    return sorted(t for (t,) in found if t)


def hits_between_kinds(conn: Connection, period: Period, rules: DisclosureRules
                       ) -> ProtectedTable:
    """Hits found in the period, by the two sides' partner kinds (pool-wide, protected),
    from the hit summary (``pool/hit_summary.py``)."""
    oa, ob = organisations.alias("oa"), organisations.alias("ob")
    ca, cb = contributions.alias("ca"), contributions.alias("cb")
    hc = hit_counts
    first, after = period.days
    rows = conn.execute(
        select(oa.c.kind, ob.c.kind, hc.c.org_a_id, hc.c.org_b_id, func.sum(hc.c.hits))
        .select_from(hc.join(oa, oa.c.id == hc.c.org_a_id)
                     .join(ob, ob.c.id == hc.c.org_b_id)
                     .join(ca, ca.c.id == hc.c.contribution_a_id)
                     .join(cb, cb.c.id == hc.c.contribution_b_id))
        .where(hc.c.day >= first, hc.c.day < after,
               statistics_source(ca), statistics_source(cb))
        .group_by(oa.c.kind, ob.c.kind, hc.c.org_a_id, hc.c.org_b_id)).all()
    cells: dict[tuple[Any, ...], CellFigures] = defaultdict(CellFigures)
    for kind_a, kind_b, org_a, org_b, count in rows:
        key = tuple(sorted((kind_a, kind_b)))
        cells[key].total += int(count)
        cells[key].add(org_a, int(count))
        cells[key].add(org_b, int(count))
    return protect(cells, rules)


def requests_granted(conn: Connection, period: Period, rules: DisclosureRules
                     ) -> ProtectedTable:
    """Access requests granted in the period, by requester and holder kind (protected)."""
    req, hold = organisations.alias("req"), organisations.alias("hold")
    rows = conn.execute(
        select(req.c.kind, hold.c.kind, access_requests.c.requester_org_id,
               access_requests.c.holder_org_id, func.count())
        .select_from(access_requests.join(req, req.c.id == access_requests.c.requester_org_id)
                     .join(hold, hold.c.id == access_requests.c.holder_org_id)
                     .join(contributions,
                           contributions.c.id == access_requests.c.contribution_id))
        .where(and_(access_requests.c.status == "granted",
                    access_requests.c.decided_at >= period.start,
                    access_requests.c.decided_at < period.end), statistics_source())
        .group_by(req.c.kind, hold.c.kind, access_requests.c.requester_org_id,
                  access_requests.c.holder_org_id)).all()
    cells: dict[tuple[Any, ...], CellFigures] = defaultdict(CellFigures)
    for kind_r, kind_h, org_r, org_h, count in rows:
        cells[(kind_r, kind_h)].total += count
        cells[(kind_r, kind_h)].add(org_r, count)
        cells[(kind_r, kind_h)].add(org_h, count)
    return protect(cells, rules)
