"""Deconfliction alerts as each lead sees them; revealing a confidential operation, recording
outcomes (the pool never resolves a conflict by itself); operation pointers for
``intelpool deconflict``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, and_, case, or_, select, update

from intelpool.access import Permission, Principal, require
from intelpool.audit import notifications
from intelpool.audit import service as audit
from intelpool.db.sorting import Listed, Slice, SortKeys, checked, count, ordered, sliced
from intelpool.db.tables import deconfliction_alerts, operation_members, operations, organisations
from intelpool.db.types import utcnow
from intelpool.errors import InvalidInput, NotFound
from intelpool.observables import InvalidObservable, parse_selector
from intelpool.operations import deconfliction, membership
from intelpool.operations.deconfliction import (
    lead_contact,
    may_be_told,
    number,
    other_lead_label,
    touching,
)
from intelpool.operations.membership import LEAD
from intelpool.operations.models import OUTCOMES, AlertView, OperationPointer


def parse_number(text: str) -> int:
    digits = text.strip().upper().removeprefix("DC-")
    if not digits.isdigit():
        raise InvalidInput(f"{text!r} is not a deconfliction number (DC-N)")
    return int(digits)


def _own_side(conn: Connection, principal: Principal, alert: Any) -> tuple[str, str] | None:
    """('a', 'b') or ('b', 'a') when the principal's organisation leads a side and may be
    told of the other; None otherwise (the alert does not exist for it)."""
    for own, other in (("a", "b"), ("b", "a")):
        me = lead_contact(conn, alert[f"operation_{own}_id"])
        if me.id == principal.organisation_id:
            them = lead_contact(conn, alert[f"operation_{other}_id"])
            return (own, other) if may_be_told(me.kind, them.kind) else None
    return None


def _view(conn: Connection, alert: Any, own: str, other: str) -> AlertView:
    label, contact = other_lead_label(lead_contact(conn, alert[f"operation_{other}_id"]),
                                      alert[f"revealed_{other}"])
    return AlertView(number(alert["id"]), alert["kind"], alert["match"],
                     alert[f"operation_{own}_id"], alert[f"target_{own}"], label, contact,
                     alert[f"outcome_{own}"], alert[f"outcome_{other}"], alert["created_at"])


def _load(conn: Connection, principal: Principal, text: str) -> tuple[Any, str, str]:
    require(principal, Permission.POOL_READ)
    alert_id = parse_number(text)
    alert = conn.execute(select(deconfliction_alerts).where(
        deconfliction_alerts.c.id == alert_id)).mappings().first()
    sides = _own_side(conn, principal, alert) if alert is not None else None
    if alert is None or sides is None:
        raise NotFound(f"no deconfliction alert {number(alert_id)}")
    return alert, *sides


ALERT_SORTS = ("id", "created", "kind", "match", "operation", "other")


def list_alerts(conn: Connection, principal: Principal) -> list[AlertView]:
    """Alerts on operations the principal's organisation leads."""
    return alert_page(conn, principal).items


def alert_page(conn: Connection, principal: Principal, part: Slice = Slice(),
               before: int | None = None, operation_id: int | None = None
               ) -> Listed[AlertView]:
    """Alerts on operations the principal's organisation leads (``operation_id``: on that
    one) and may be told of, sorted and sliced in SQL (oldest first by default; ids below
    ``before`` for keyset paging), and how many match."""
    require(principal, Permission.POOL_READ)
    sort = checked(part.sort or "id", ALERT_SORTS, "deconfliction alerts")
    query, keys = _alert_query(principal)
    if operation_id is not None:
        query = query.where(keys["operation"][0] == operation_id)
    total = count(conn, query)
    if before is not None:
        query = query.where(deconfliction_alerts.c.id < before)
    rows = conn.execute(sliced(ordered(query, sort, keys, deconfliction_alerts.c.id,
                                       "deconfliction alerts"), part)).mappings().all()
    views = [_view(conn, r, r["own"], "b" if r["own"] == "a" else "a") for r in rows]
    audit.record(conn, principal, "deconfliction.list", subject_type="deconfliction",
                 detail={"alerts": [v.number for v in views]}, read=True)
    return Listed(views, total)


def _alert_query(principal: Principal) -> tuple[Select[Any], SortKeys]:
    """One row per alert: the principal's side is the first whose lead it is (a, then b),
    and the alert exists for it only where it may be told of the other lead's kind."""
    alert = deconfliction_alerts.c
    op_a, op_b = operations.alias("op_a"), operations.alias("op_b")
    org_a, org_b = organisations.alias("org_a"), organisations.alias("org_b")
    me = principal.organisation_id
    own_a = op_a.c.lead_org_id == me
    own = case((own_a, "a"), else_="b")
    own_kind = case((own_a, org_a.c.kind), else_=org_b.c.kind)
    other_kind = case((own_a, org_b.c.kind), else_=org_a.c.kind)
    quiet = deconfliction.QUIET_KINDS
    # Sorted by how the viewer names the other lead: a confidential one that has not
    # revealed itself is "a partner", so its hidden name never orders the rows.
    other_name = case((own_a, org_b.c.name), else_=org_a.c.name)
    hidden = case((own_a, and_(op_b.c.confidential, ~alert.revealed_b)),
                  else_=and_(op_a.c.confidential, ~alert.revealed_a))
    other = case((hidden, deconfliction.PARTNER_OPERATION),
                 else_="an operation of " + other_name)
    query = (select(deconfliction_alerts, own.label("own"))
             .join(op_a, op_a.c.id == alert.operation_a_id)
             .join(op_b, op_b.c.id == alert.operation_b_id)
             .join(org_a, org_a.c.id == op_a.c.lead_org_id)
             .join(org_b, org_b.c.id == op_b.c.lead_org_id)
             .where(or_(own_a, op_b.c.lead_org_id == me),
                    ~and_(own_kind.in_(quiet), other_kind.not_in(quiet))))
    keys: SortKeys = {"id": [], "created": [alert.created_at], "kind": [alert.kind],
                      "match": [alert.match],
                      "operation": [case((own_a, alert.operation_a_id),
                                         else_=alert.operation_b_id)],
                      "other": [other]}
    return query, keys


def reveal(conn: Connection, principal: Principal, operation_id: int, text: str) -> AlertView:
    """A confidential lead tells the other lead who it is, for this alert."""
    membership.load(conn, principal, operation_id, LEAD)
    alert, own, other = _load(conn, principal, text)
    if alert[f"operation_{own}_id"] != operation_id:
        raise InvalidInput(f"{number(alert['id'])} does not concern operation {operation_id}")
    conn.execute(update(deconfliction_alerts).where(
        deconfliction_alerts.c.id == alert["id"]).values({f"revealed_{own}": True}))
    me = lead_contact(conn, operation_id)
    _tell_other(conn, alert, other, f"deconfliction {number(alert['id'])}: the partner "
                f"operation is led by {me.name} (contact {me.email})")
    audit.record(conn, principal, "deconfliction.reveal", subject_type="deconfliction",
                 subject_id=alert["id"], subject_organisation_id=principal.organisation_id)
    return _reload(conn, principal, alert["id"])


def resolve(conn: Connection, principal: Principal, text: str, outcome: str,
            note: str | None = None) -> AlertView:
    """A lead records its outcome on the alert: proceed, joint, delay or cancel."""
    require(principal, Permission.OPERATIONS_MANAGE)
    if outcome not in OUTCOMES:
        raise InvalidInput(f"unknown outcome {outcome!r}: use {', '.join(OUTCOMES)}")
    alert, own, other = _load(conn, principal, text)
    conn.execute(update(deconfliction_alerts).where(
        deconfliction_alerts.c.id == alert["id"]).values(
        {f"outcome_{own}": outcome, f"note_{own}": note}))
    _tell_other(conn, alert, other, f"deconfliction {number(alert['id'])}: the other lead "
                f"recorded the outcome '{outcome}'" + (f": {note}" if note else ""))
    audit.record(conn, principal, "deconfliction.resolve", subject_type="deconfliction",
                 subject_id=alert["id"], subject_organisation_id=principal.organisation_id,
                 detail={"outcome": outcome, "note": note, "at": utcnow().isoformat()})
    return _reload(conn, principal, alert["id"])


def _reload(conn: Connection, principal: Principal, alert_id: int) -> AlertView:
    alert, own, other = _load(conn, principal, str(alert_id))
    return _view(conn, alert, own, other)


def _tell_other(conn: Connection, alert: Any, other: str, message: str) -> None:
    them = lead_contact(conn, alert[f"operation_{other}_id"])
    own = "a" if other == "b" else "b"
    me = lead_contact(conn, alert[f"operation_{own}_id"])
    if may_be_told(them.kind, me.kind):
        notifications.notify(conn, them.id, "deconfliction", message, "deconfliction",
                             alert["id"])


def pointers(conn: Connection, principal: Principal, values: list[str]) -> list[OperationPointer]:
    """Operations of other leads touching these selectors, for an organisation that takes part
    in operations itself (reciprocity); private partners and CERTs never learn of police
    operations. Names and data of those operations are never given."""
    require(principal, Permission.POOL_READ)
    me = principal.organisation_id
    takes_part = conn.execute(select(operation_members.c.operation_id).join(
        operations, operations.c.id == operation_members.c.operation_id).where(
        operation_members.c.organisation_id == me, operation_members.c.state == "joined",
        operations.c.status != "closed").limit(1)).first()
    if me is None or takes_part is None:
        return []
    parsed = []
    for key, value in enumerate(values):
        try:
            parsed.append((key, *parse_selector(value)))
        except InvalidObservable:
            continue
    kind = conn.execute(select(organisations.c.kind).where(organisations.c.id == me)
                        ).scalar_one()
    out = []
    own = {key: f"{t} {v}" for key, t, v in parsed}
    for key, operation_id, _theirs, match in touching(conn, me, parsed, utcnow()):
        lead = lead_contact(conn, operation_id)
        if not may_be_told(kind, lead.kind):
            continue
        label, contact = other_lead_label(lead, False)
        out.append(OperationPointer(values[key], own[key], match, label, contact))
    return out
