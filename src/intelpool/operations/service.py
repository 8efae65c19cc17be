"""Operations: create, membership (invite, join, decline, remove), status, list, show, timeline.

Every change is audited with the operation as subject, which is also what the timeline reads;
members are notified of what concerns them. To anyone who is not a member an operation does
not exist: in lists, counts, errors and notifications.
"""

from __future__ import annotations

from collections import defaultdict

import orjson
from sqlalchemy import Connection, RowMapping, insert, select, update

from intelpool.access import Permission, Principal, require
from intelpool.audit import notifications
from intelpool.audit import service as audit
from intelpool.db.sorting import Listed, Slice, SortKeys, checked, count, ordered, sliced
from intelpool.db.tables import (
    audit_events,
    operation_contributions,
    operation_members,
    operation_targets,
    operations,
    organisations,
    users,
)
from intelpool.db.types import storable_text, utcnow
from intelpool.errors import InvalidInput
from intelpool.operations import links, membership, work
from intelpool.operations.membership import LEAD, READ
from intelpool.operations.models import (
    MemberRole,
    MemberView,
    OperationDetail,
    OperationSummary,
    Status,
    TargetView,
    TimelineEntry,
)
from intelpool.pool.themes import parse_themes


def create(conn: Connection, principal: Principal, name: str, *, themes: list[str] | None = None,
           description: str | None = None, confidential: bool = False,
           selectors: list[tuple[str, str]] | None = None, entities: list[str] | None = None,
           from_network: str | None = None) -> int:
    """A new operation led by the principal's organisation, with ``selectors`` ((type,
    canonical value) pairs) and ``entities`` linked in the same step."""
    require(principal, Permission.OPERATIONS_MANAGE)
    if from_network is not None:
        from intelpool.analysis import service as analysis

        network = analysis.network(conn, principal, from_network)
        selectors = [*(selectors or []), *((m["type"], m["value"]) for m in network["members"])]
        entities = [*(entities or []), *(e["name"] for e in network["entities"])]
        themes = themes or list(network["themes"])
    name = name.strip()
    if not name:
        raise InvalidInput("an operation needs a name")
    storable_text(operations.c.name, name, "the operation name")
    theme_list = parse_themes(themes or [])
    now = utcnow()
    op_id = conn.execute(insert(operations).values(
        name=name, description=(description or "").strip() or None,
        themes=orjson.dumps(theme_list).decode(), lead_org_id=principal.organisation_id,
        contact_user_id=principal.user_id, confidential=confidential,
        status=Status.PLANNED.value, created_at=now)).inserted_primary_key[0]  # type: ignore[index]
    conn.execute(insert(operation_members).values(
        operation_id=op_id, organisation_id=principal.organisation_id, role="lead",
        state="joined", changed_at=now))
    audit.record(conn, principal, "operation.create", subject_type="operation",
                 subject_id=op_id, subject_organisation_id=principal.organisation_id,
                 detail={"name": name, "themes": theme_list, "confidential": confidential})
    if selectors or entities:
        row = membership.load(conn, principal, op_id, READ)
        links.link_pairs(conn, principal, row, selectors or [], entities or [])
    return int(op_id)


def invite(conn: Connection, principal: Principal, operation_id: int, org: str,
           role: str = "participant") -> None:
    row = membership.load(conn, principal, operation_id, LEAD)
    if role not in (MemberRole.PARTICIPANT, MemberRole.OBSERVER):
        raise InvalidInput(f"unknown role {role!r}: invite as participant or observer")
    target = membership.org_by_name(conn, org)
    current = conn.execute(select(operation_members.c.state).where(
        operation_members.c.operation_id == operation_id,
        operation_members.c.organisation_id == target["id"])).scalar()
    if current in ("invited", "joined"):
        raise InvalidInput(f"{target['name']} is already {current} in operation "
                           f"{operation_id}")
    now = utcnow()
    if current is None:
        conn.execute(insert(operation_members).values(
            operation_id=operation_id, organisation_id=target["id"], role=role,
            state="invited", changed_at=now))
    else:  # declined or removed before: a new invitation
        _set_member(conn, operation_id, target["id"], state="invited", role=role)
    membership.record(conn, principal, operation_id, "operation.invite",
                      {"organisation": target["name"], "role": role})
    notifications.notify(conn, target["id"], "operation-invitation",
                         f"{principal.organisation_name} invites you to operation "
                         f"{operation_id} '{row['name']}' as {role}: 'intelpool operation "
                         f"join {operation_id}' or 'decline'", "operation", operation_id)


def join(conn: Connection, principal: Principal, operation_id: int) -> None:
    _answer(conn, principal, operation_id, "joined")


def decline(conn: Connection, principal: Principal, operation_id: int) -> None:
    _answer(conn, principal, operation_id, "declined")


def _answer(conn: Connection, principal: Principal, operation_id: int, state: str) -> None:
    require(principal, Permission.OPERATIONS_MANAGE)
    row = membership.load(conn, principal, operation_id, READ, states=("invited",))
    _set_member(conn, operation_id, principal.organisation_id or 0, state=state)
    action, verb = ("join", "joined") if state == "joined" else ("decline", "declined to join")
    membership.record(conn, principal, operation_id, f"operation.{action}",
                      {"organisation": principal.organisation_name, "role": row["my_role"]})
    for org in membership.joined_org_ids(conn, operation_id):
        if org != principal.organisation_id:
            notifications.notify(conn, org, f"operation-{action}",
                                 f"{principal.organisation_name} {verb} operation "
                                 f"{operation_id} '{row['name']}'", "operation", operation_id)


def remove(conn: Connection, principal: Principal, operation_id: int, org: str) -> None:
    """The lead removes a member: from this moment it sees none of the operation's data."""
    row = membership.load(conn, principal, operation_id, LEAD)
    target = membership.org_by_name(conn, org)
    state = conn.execute(select(operation_members.c.role, operation_members.c.state).where(
        operation_members.c.operation_id == operation_id,
        operation_members.c.organisation_id == target["id"])).first()
    if state is None or state.state not in ("invited", "joined"):
        raise InvalidInput(f"{target['name']} is not a member of operation {operation_id}")
    if state.role == MemberRole.LEAD:
        raise InvalidInput("the lead organisation cannot remove itself")
    _set_member(conn, operation_id, target["id"], state="removed")
    membership.record(conn, principal, operation_id, "operation.remove",
                      {"organisation": target["name"]})
    notifications.notify(conn, target["id"], "operation-removed",
                         f"{principal.organisation_name} removed you from operation "
                         f"{operation_id} '{row['name']}'", "operation", operation_id)


def set_status(conn: Connection, principal: Principal, operation_id: int, status: str) -> None:
    try:
        new = Status(status)
    except ValueError:
        raise InvalidInput(f"unknown status {status!r}: use "
                           f"{', '.join(s.value for s in Status)}") from None
    row = membership.load(conn, principal, operation_id, LEAD)
    conn.execute(update(operations).where(operations.c.id == operation_id).values(
        status=new.value))
    membership.record(conn, principal, operation_id, "operation.status",
                      {"from": row["status"], "to": new.value})
    for org in membership.joined_org_ids(conn, operation_id):
        if org != principal.organisation_id:
            notifications.notify(conn, org, "operation-status", f"operation {operation_id} "
                                 f"'{row['name']}' is now {new.value}", "operation", operation_id)


OPERATION_SORTS = ("id", "name", "lead", "status", "created")
OPERATION_STATES = ("joined", "invited")


def list_operations(conn: Connection, principal: Principal) -> list[OperationSummary]:
    """Operations the principal's organisation leads, has joined or is invited to."""
    return operation_page(conn, principal).items


def operation_page(conn: Connection, principal: Principal, state: str | None = None,
                   part: Slice = Slice(), before: int | None = None
                   ) -> Listed[OperationSummary]:
    """Operations the principal's organisation leads, has joined (``state`` joined) or is
    invited to (invited), sorted and sliced in SQL (newest first by default; ids below
    ``before`` for keyset paging), and how many match."""
    require(principal, Permission.POOL_READ)
    if state is not None and state not in OPERATION_STATES:
        raise InvalidInput(f"no operation state {state!r}: use {', '.join(OPERATION_STATES)}")
    sort = checked(part.sort or "-id", OPERATION_SORTS, "operations")
    query = (select(operations, operation_members.c.role.label("my_role"),
                    operation_members.c.state.label("my_state"),
                    organisations.c.name.label("lead_name"))
             .join(operation_members, operation_members.c.operation_id == operations.c.id)
             .join(organisations, organisations.c.id == operations.c.lead_org_id)
             .where(operation_members.c.organisation_id == principal.organisation_id,
                    operation_members.c.state.in_((state,) if state else OPERATION_STATES)))
    total = count(conn, query)
    if before is not None:
        query = query.where(operations.c.id < before)
    keys: SortKeys = {"id": [], "name": [operations.c.name], "lead": [organisations.c.name],
                      "status": [operations.c.status], "created": [operations.c.created_at]}
    rows = conn.execute(sliced(ordered(query, sort, keys, operations.c.id, "operations"),
                               part)).mappings().all()
    audit.record(conn, principal, "operation.list", subject_type="operations",
                 detail={"operations": [r["id"] for r in rows]}, read=True)
    return Listed([summary(r) for r in rows], total)


def summary(row: RowMapping) -> OperationSummary:
    """From an operation row with the viewer's role and state and the lead's name."""
    return OperationSummary(
        id=row["id"], name=row["name"], lead=row["lead_name"], status=row["status"],
        confidential=bool(row["confidential"]), your_role=row["my_role"],
        your_state=row["my_state"], created_at=row["created_at"],
        themes=list(orjson.loads(row["themes"] or "[]")))


def show(conn: Connection, principal: Principal, operation_id: int) -> OperationDetail:
    row = membership.load(conn, principal, operation_id, READ)
    members = [MemberView(r.name, r.country, r.role, r.state, r.changed_at) for r in
               conn.execute(select(organisations.c.name, organisations.c.country,
                                   operation_members.c.role, operation_members.c.state,
                                   operation_members.c.changed_at)
                            .join(organisations, organisations.c.id ==
                                  operation_members.c.organisation_id)
                            .where(operation_members.c.operation_id == operation_id)
                            .order_by(operation_members.c.role, organisations.c.name))]
    targets = [TargetView(t, at, until) for t, at, until in links.targets(conn, operation_id)]
    contributions = list(conn.execute(select(operation_contributions.c.contribution_id).where(
        operation_contributions.c.operation_id == operation_id)
        .order_by(operation_contributions.c.contribution_id)).scalars())
    plan = defaultdict(list)
    for day in work.plan_days(conn, operation_id):
        plan[day.country].append(day)
    contact = conn.execute(select(users.c.email).where(
        users.c.id == row["contact_user_id"])).scalar_one()
    audit.record(conn, principal, "operation.show", subject_type="operation",
                 subject_id=operation_id, read=True)
    return OperationDetail(
        summary=summary(row), description=row["description"], contact=contact,
        embargo_until=row["embargo_until"], members=members, targets=targets,
        contributions=contributions, tasks=work.tasks_of(conn, operation_id),
        notes=work.notes_of(conn, operation_id), plan=dict(sorted(plan.items())))


def timeline(conn: Connection, principal: Principal, operation_id: int) -> list[TimelineEntry]:
    """Every change to the operation, oldest first (reads of it are audited, not listed)."""
    membership.load(conn, principal, operation_id, READ)
    rows = conn.execute(select(audit_events).where(
        audit_events.c.subject_type == "operation",
        audit_events.c.subject_id == str(operation_id),
        audit_events.c.action.not_in(("operation.show", "operation.timeline")))
        .order_by(audit_events.c.id)).mappings().all()
    names = dict(conn.execute(select(organisations.c.id, organisations.c.name)).all())
    audit.record(conn, principal, "operation.timeline", subject_type="operation",
                 subject_id=operation_id, read=True)
    return [TimelineEntry(r["at"], f"{r['actor_email']} "
                          f"({names.get(r['actor_organisation_id'], '?')})", r["action"],
                          orjson.loads(r["detail"] or "{}")) for r in rows]


def renew(conn: Connection, principal: Principal, operation_id: int, months: int) -> int:
    """Keep the operation's linked targets in the deconfliction register ``months`` more."""
    membership.load(conn, principal, operation_id, LEAD)
    until = links.expiry(utcnow(), months)
    count = conn.execute(update(operation_targets).where(
        operation_targets.c.operation_id == operation_id).values(expires_at=until)).rowcount
    membership.record(conn, principal, operation_id, "operation.renew",
                      {"targets": count, "until": until.isoformat()})
    return int(count)


def _set_member(conn: Connection, operation_id: int, org_id: int, **values: str) -> None:
    conn.execute(update(operation_members).where(
        operation_members.c.operation_id == operation_id,
        operation_members.c.organisation_id == org_id).values(changed_at=utcnow(), **values))
