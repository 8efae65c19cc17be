"""Cooperation: operations and requests for information, pool-wide counts by partner kind.

Counted under the partnership rules (access/disclosure.py), like hits and access requests:
no operation's name ever, and confidential operations (with their action days and RFIs)
not at all, so counts cannot reveal that one exists. RFIs marked TLP:RED, held RFIs and
organisations that withhold their statistics are left out as well.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Connection, and_, false, func, not_, or_, select, true

from intelpool.access.disclosure import TOTAL, CellFigures, DisclosureRules, ProtectedTable, protect
from intelpool.analysis.periods import Period
from intelpool.analysis.report.model import Fact, ReportContext, Section
from intelpool.db.tables import (
    action_days,
    audit_events,
    operations,
    organisations,
    rfi_answers,
    rfis,
)

TITLE = "Operations and requests for information"


def operations_section(context: ReportContext) -> Section | None:
    if not context.period.whole_months:
        return None  # the cooperation section already says why
    conn, period, rules = context.conn, context.period, context.rules
    tables = (("operations opened", opened(conn, period, rules)),
              ("operations closed", closed(conn, period, rules)),
              ("action days", days(conn, period, rules)),
              ("RFIs sent", rfis_sent(conn, period, rules)),
              ("RFIs answered", rfis_answered(conn, period, rules)))
    rows: list[tuple[str, str, str]] = []
    facts: list[Fact] = []
    for label, table in tables:
        for key, value in sorted(table.values.items(), key=lambda kv: (kv[0] == (TOTAL,),
                                                                       str(kv[0]))):
            rows.append((label, str(key[0]), "suppressed" if value is None else str(value)))
        total = table.values.get((TOTAL,))
        if total is not None:
            facts.append(Fact(label, TOTAL, total))
    note = ("Counts by the partner kind of the lead (operations, action days), of the "
            "requester (RFIs sent) and of the answering partner (RFIs answered). Confidential "
            "operations are not counted.")
    if not rows:
        return Section(TITLE, (note, "None in this period."))
    return Section(TITLE, (note,), ("figure", "partner kind", "count"), tuple(rows),
                   facts=tuple(facts))


def _counted_operation(op: Any = operations) -> ColumnElement[bool]:
    return and_(op.c.confidential == false(), not_(op.c.lead_org_id.in_(_withheld())))


def _withheld() -> Any:
    return select(organisations.c.id).where(organisations.c.statistics_withheld == true())


def _by_kind(rows: Iterable[Any], rules: DisclosureRules) -> ProtectedTable:
    cells: dict[tuple[Any, ...], CellFigures] = defaultdict(CellFigures)
    for kind, org, count in rows:
        cells[(kind,)].total += count
        cells[(kind,)].add(org, count)
    return protect(cells, rules)


def _lead_kind_counts(conn: Connection, ids: Iterable[int] | None, where: list[Any],
                      rules: DisclosureRules) -> ProtectedTable:
    query = (select(organisations.c.kind, operations.c.lead_org_id, func.count())
             .join(organisations, organisations.c.id == operations.c.lead_org_id)
             .where(_counted_operation(), *where)
             .group_by(organisations.c.kind, operations.c.lead_org_id))
    if ids is not None:
        query = query.where(operations.c.id.in_(list(ids)))
    return _by_kind(conn.execute(query).all(), rules)


def opened(conn: Connection, period: Period, rules: DisclosureRules) -> ProtectedTable:
    return _lead_kind_counts(conn, None, [operations.c.created_at >= period.start,
                                          operations.c.created_at < period.end], rules)


def closed(conn: Connection, period: Period, rules: DisclosureRules) -> ProtectedTable:
    """Operations closed in the period and still closed (status changes are audited)."""
    changes = conn.execute(select(audit_events.c.subject_id, audit_events.c.detail).where(
        audit_events.c.action == "operation.status", audit_events.c.subject_type == "operation",
        audit_events.c.at >= period.start, audit_events.c.at < period.end))
    ids = {int(subject) for subject, detail in changes
           if subject and detail and orjson.loads(detail).get("to") == "closed"}
    return _lead_kind_counts(conn, ids, [operations.c.status == "closed"], rules)


def days(conn: Connection, period: Period, rules: DisclosureRules) -> ProtectedTable:
    """Action days in the period, but not those the lead called off."""
    rows = conn.execute(
        select(organisations.c.kind, operations.c.lead_org_id, func.count())
        .select_from(action_days.join(operations, operations.c.id == action_days.c.operation_id)
                     .join(organisations, organisations.c.id == operations.c.lead_org_id))
        .where(_counted_operation(), action_days.c.at >= period.start,
               action_days.c.at < period.end,
               or_(action_days.c.decision.is_(None), action_days.c.decision != "no-go"))
        .group_by(organisations.c.kind, operations.c.lead_org_id)).all()
    return _by_kind(rows, rules)


def _counted_rfi() -> ColumnElement[bool]:
    confidential = select(operations.c.id).where(operations.c.confidential == true())
    return and_(rfis.c.status != "held", rfis.c.tlp != "red",
                not_(rfis.c.requester_org_id.in_(_withheld())),
                or_(rfis.c.operation_id.is_(None), not_(rfis.c.operation_id.in_(confidential))))


def rfis_sent(conn: Connection, period: Period, rules: DisclosureRules) -> ProtectedTable:
    rows = conn.execute(
        select(organisations.c.kind, rfis.c.requester_org_id, func.count())
        .join(organisations, organisations.c.id == rfis.c.requester_org_id)
        .where(_counted_rfi(), rfis.c.created_at >= period.start,
               rfis.c.created_at < period.end)
        .group_by(organisations.c.kind, rfis.c.requester_org_id)).all()
    return _by_kind(rows, rules)


def rfis_answered(conn: Connection, period: Period, rules: DisclosureRules) -> ProtectedTable:
    """RFIs answered in the period: one per request and answering partner (first answer)."""
    first = (select(rfi_answers.c.rfi_id, rfi_answers.c.organisation_id,
                    func.min(rfi_answers.c.at).label("at"))
             .where(rfi_answers.c.delivered == true())
             .group_by(rfi_answers.c.rfi_id, rfi_answers.c.organisation_id).subquery())
    rows = conn.execute(
        select(organisations.c.kind, first.c.organisation_id, func.count())
        .select_from(first.join(rfis, rfis.c.id == first.c.rfi_id)
                     .join(organisations, organisations.c.id == first.c.organisation_id))
        .where(_counted_rfi(), first.c.at >= period.start, first.c.at < period.end,
               not_(first.c.organisation_id.in_(_withheld())))
        .group_by(organisations.c.kind, first.c.organisation_id)).all()
    return _by_kind(rows, rules)
