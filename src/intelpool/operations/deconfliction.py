"""Deconfliction of operations: two registers (standing targets, action days) matched across
lead organisations, with alerts to both leads. A pointer system, never an intelligence
source: an alert names the other lead and a contact point, never the other operation's name,
description or data, and the registers feed no search, graph or statistics.

Reciprocity: private partners and CERTs never learn of police (or host) operations.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    Select,
    String,
    Table,
    Text,
    and_,
    case,
    insert,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from intelpool.audit import notifications
from intelpool.db import bulk
from intelpool.db.tables import (
    action_day_targets,
    action_days,
    deconfliction_alerts,
    observables,
    operation_targets,
    operations,
    organisations,
    users,
)
from intelpool.db.types import utcnow
from intelpool.matching.derive import keys

ACTION_DAY_WINDOW = timedelta(days=7)
PARTNER_OPERATION = "an operation of a partner"
QUIET_KINDS = ("private", "cert")  # never told of law-enforcement or host operations
POLICE = ("law-enforcement", "host")
_probe = Table("tmp_dc_probe", MetaData(), Column("probe_key", String), Column("type", String),
               Column("value", Text), Column("ip_lo", String), Column("ip_hi", String),
               Column("host", Text), Column("rev_name", Text))


def may_be_told(own_kind: str, other_kind: str) -> bool:
    return not (own_kind in QUIET_KINDS and other_kind not in QUIET_KINDS)


def match_kind(p: Any, x: Any) -> ColumnElement[Any]:
    """How selector ``p`` touches selector ``x`` (both with the columns of observables), by
    the rules matching uses; NULL when they do not."""
    ip = ("ipv4", "ipv6")
    names = ("domain", "hostname")

    def inside(a: Any, b: Any) -> ColumnElement[bool]:  # address a within CIDR b
        return and_(b.c.type == "cidr", a.c.type.in_(ip), a.c.ip_lo >= b.c.ip_lo,
                    a.c.ip_lo <= b.c.ip_hi)

    def on_host(a: Any, b: Any) -> ColumnElement[bool]:  # URL/e-mail a on domain b
        return and_(a.c.type.in_(("url", "email")), b.c.type.in_(names), a.c.host == b.c.value)

    def below(a: Any, b: Any) -> ColumnElement[bool]:  # domain a under domain b
        return and_(a.c.type == "domain", b.c.type == "domain",
                    a.c.rev_name > b.c.rev_name.concat("."),
                    a.c.rev_name < b.c.rev_name.concat("/"))

    def host_kind(a: Any) -> ColumnElement[Any]:
        return case((a.c.type == "email", "email-domain"), else_="url-host")

    return case(
        (and_(p.c.type == x.c.type, p.c.value == x.c.value), "exact"),
        (or_(inside(p, x), inside(x, p)), "cidr"),
        (on_host(p, x), host_kind(p)),
        (on_host(x, p), host_kind(x)),
        (or_(below(p, x), below(x, p)), "subdomain"),
        else_=None)


def _matches(conn: Connection, own: Select[Any], others: Select[Any],
             lead_org_id: int) -> list[Any]:
    """(own operation, other operation, own label, other label, match) for selector pairs of
    ``own`` and ``others`` (each selecting operation_id, observable_id) across leads."""
    mine, theirs = own.subquery("mine"), others.subquery("theirs")
    p, x, ou = observables.alias("p"), observables.alias("x"), operations.alias("ou")
    kind = match_kind(p, x).label("match")
    inner = (select(mine.c.operation_id.label("own"), theirs.c.operation_id.label("other"),
                    p.c.type.label("pt"), p.c.value.label("pv"), x.c.type.label("xt"),
                    x.c.value.label("xv"), kind)
             .select_from(mine.join(p, p.c.id == mine.c.observable_id))
             .join(theirs, theirs.c.operation_id != mine.c.operation_id)
             .join(x, x.c.id == theirs.c.observable_id)
             .join(ou, ou.c.id == theirs.c.operation_id)
             .where(ou.c.lead_org_id != lead_org_id, ou.c.status != "closed")).subquery()
    rows = conn.execute(select(inner).where(inner.c.match.is_not(None))).all()
    return [(r.own, r.other, f"{r.pt} {r.pv}", f"{r.xt} {r.xv}", r.match) for r in rows]


def _standing(now: datetime) -> Select[Any]:
    return select(operation_targets.c.operation_id, operation_targets.c.observable_id).where(
        operation_targets.c.expires_at > now, operation_targets.c.observable_id.is_not(None))


def check_targets(conn: Connection, operation_id: int, first_target_id: int) -> int:
    """Alerts for the targets just linked (ids from ``first_target_id``); returns how many."""
    lead = conn.execute(select(operations.c.lead_org_id).where(
        operations.c.id == operation_id)).scalar_one()
    now = utcnow()
    own = select(operation_targets.c.operation_id, operation_targets.c.observable_id).where(
        operation_targets.c.operation_id == operation_id,
        operation_targets.c.id >= first_target_id,
        operation_targets.c.observable_id.is_not(None))
    found = _matches(conn, own, _standing(now), lead)
    t, u, ou = operation_targets.alias("t"), operation_targets.alias("u"), operations.alias("ou")
    for r in conn.execute(
            select(u.c.operation_id, t.c.entity_name)
            .join(u, and_(u.c.entity_name == t.c.entity_name,
                          u.c.operation_id != t.c.operation_id, u.c.expires_at > now))
            .join(ou, ou.c.id == u.c.operation_id)
            .where(t.c.operation_id == operation_id, t.c.id >= first_target_id,
                   ou.c.lead_org_id != lead, ou.c.status != "closed")):
        found.append((operation_id, r.operation_id, f"entity {r.entity_name}",
                      f"entity {r.entity_name}", "entity"))
    return _raise(conn, "target", found)


def check_action_day(conn: Connection, action_day_id: int) -> int:
    """Alerts for another lead's action day within 7 days acting on a matching target."""
    day = conn.execute(select(action_days.c.at, operations.c.lead_org_id)
                       .join(operations, operations.c.id == action_days.c.operation_id)
                       .where(action_days.c.id == action_day_id)).one()
    own = (select(action_days.c.operation_id, action_day_targets.c.observable_id)
           .join(action_day_targets, action_day_targets.c.action_day_id == action_days.c.id)
           .where(action_days.c.id == action_day_id))
    others = (select(action_days.c.operation_id, action_day_targets.c.observable_id)
              .join(action_day_targets, action_day_targets.c.action_day_id == action_days.c.id)
              .where(action_days.c.at >= day.at - ACTION_DAY_WINDOW,
                     action_days.c.at <= day.at + ACTION_DAY_WINDOW))
    return _raise(conn, "action-day", _matches(conn, own, others, day.lead_org_id))


def _raise(conn: Connection, kind: str, found: list[Any]) -> int:
    raised = 0
    for own, other, own_label, other_label, match in found:
        a, b, ta, tb = (own, other, own_label, other_label) if own < other else \
            (other, own, other_label, own_label)
        exists = conn.execute(select(deconfliction_alerts.c.id).where(
            deconfliction_alerts.c.kind == kind, deconfliction_alerts.c.operation_a_id == a,
            deconfliction_alerts.c.operation_b_id == b, deconfliction_alerts.c.target_a == ta,
            deconfliction_alerts.c.target_b == tb)).first()
        if exists is not None:
            continue
        alert_id = conn.execute(insert(deconfliction_alerts).values(
            kind=kind, match=match, operation_a_id=a, operation_b_id=b, target_a=ta[:600],
            target_b=tb[:600], revealed_a=False, revealed_b=False, created_at=utcnow())
        ).inserted_primary_key[0]  # type: ignore[index]
        notify_new(conn, int(alert_id))
        raised += 1
    return raised


def touching(conn: Connection, lead_org_id: int, values: list[tuple[int, str, str]],
             now: datetime) -> list[Any]:
    """Standing targets of other leads' open operations that the given (key, type, value)
    selectors touch: (key, operation id, target label, match)."""
    bulk.create_temp_table(
        conn, "tmp_dc_probe", "probe_key VARCHAR(16), type VARCHAR(32), value TEXT, "
        "ip_lo VARCHAR(32), ip_hi VARCHAR(32), host TEXT, rev_name TEXT"
        + ("" if bulk.is_sqlite(conn) else ' COLLATE "C"'))
    bulk.load_rows(conn, "tmp_dc_probe", [c.name for c in _probe.c],
                   [(str(k), t, v, *keys(t, v)) for k, t, v in values])
    x, ou = observables.alias("x"), operations.alias("ou")
    reg = _standing(now).subquery()
    kind = match_kind(_probe, x).label("match")
    inner = (select(_probe.c.probe_key, reg.c.operation_id, x.c.type, x.c.value, kind)
             .select_from(_probe).join(reg, reg.c.observable_id.is_not(None))
             .join(x, x.c.id == reg.c.observable_id).join(ou, ou.c.id == reg.c.operation_id)
             .where(ou.c.lead_org_id != lead_org_id, ou.c.status != "closed")).subquery()
    return [(int(r.probe_key), r.operation_id, f"{r.type} {r.value}", r.match)
            for r in conn.execute(select(inner).where(inner.c.match.is_not(None)))]


def lead_contact(conn: Connection, operation_id: int) -> Any:
    """The lead of an operation: id, name, kind, contact e-mail, confidential."""
    return conn.execute(
        select(organisations.c.id, organisations.c.name, organisations.c.kind,
               users.c.email, operations.c.confidential)
        .join(operations, operations.c.lead_org_id == organisations.c.id)
        .join(users, users.c.id == operations.c.contact_user_id)
        .where(operations.c.id == operation_id)).one()


def number(alert_id: int) -> str:
    return f"DC-{alert_id}"


def other_lead_label(other: Any, revealed: bool) -> tuple[str, str | None]:
    """How one lead names the other: the organisation and contact, unless it is confidential
    and has not revealed itself."""
    if other.confidential and not revealed:
        return PARTNER_OPERATION, None
    return f"an operation of {other.name}", other.email


def notify_new(conn: Connection, alert_id: int) -> None:
    """Tell each lead that may be told: its own operation and target, the other lead."""
    alert = conn.execute(select(deconfliction_alerts).where(
        deconfliction_alerts.c.id == alert_id)).mappings().one()
    sides = {s: lead_contact(conn, alert[f"operation_{s}_id"]) for s in ("a", "b")}
    for own, other in (("a", "b"), ("b", "a")):
        me, them = sides[own], sides[other]
        if not may_be_told(me.kind, them.kind):
            continue
        label, contact = other_lead_label(them, alert[f"revealed_{other}"])
        what = "plans action within 7 days on" if alert["kind"] == "action-day" else "touches"
        notifications.notify(
            conn, me.id, "deconfliction",
            f"deconfliction {number(alert_id)}: {label} {what} your target "
            f"{alert[f'target_{own}']} of operation {alert[f'operation_{own}_id']} "
            f"({alert['match']})" + (f"; contact {contact}" if contact else "")
            + ": record the outcome with 'intelpool deconfliction resolve'",
            "deconfliction", alert_id)


def takedown_holds(conn: Connection, me: int, kind: str, pairs: list[tuple[str, str]],
                   now: datetime) -> list[tuple[int, int, str, str]]:
    """(lead, operation, target, match) for each target of another lead's police operation
    that a private partner's takedown request or note touches: such a request is held
    until one of those leads releases it."""
    if kind in POLICE or not pairs:
        return []
    holds = []
    values = [(i, t, v) for i, (t, v) in enumerate(pairs)]
    for _key, operation_id, target, match in touching(conn, me, values, now):
        lead = lead_contact(conn, operation_id)
        if lead.kind in POLICE:
            holds.append((int(lead.id), int(operation_id), target, str(match)))
    return list(dict.fromkeys(holds))


def takedown_leads(conn: Connection, me: int, kind: str, pairs: list[tuple[str, str]],
                   now: datetime) -> list[int]:
    """The leads a takedown request or note is held for (see ``takedown_holds``)."""
    return list(dict.fromkeys(h[0] for h in takedown_holds(conn, me, kind, pairs, now)))


def tell_held(conn: Connection, leads: list[int], what: str, sender: str, release: str,
              subject_type: str, subject_id: int) -> None:
    """Only the leads a held takedown request touches learn of it, and how to release it."""
    for lead in leads:
        notifications.notify(conn, lead, "takedown-held",
                             f"a takedown {what} from {sender} touches a target of your "
                             f"operation: it is held until you release it on the held "
                             f"page (/held) or with '{release}'",
                             subject_type, subject_id)
