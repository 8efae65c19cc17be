"""The work inside an operation: tasks, notes, the live log, action days with the lead's
go/no-go, and the press embargo."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Select, insert, or_, select, update

from intelpool.access import Permission, Principal, require
from intelpool.audit import notifications
from intelpool.audit import service as audit
from intelpool.db.sorting import Slice, sliced
from intelpool.db.tables import (
    action_day_targets,
    action_days,
    observables,
    operation_members,
    operation_notes,
    operation_tasks,
    operations,
    organisations,
    users,
)
from intelpool.db.types import utcnow
from intelpool.errors import InvalidInput, NotFound
from intelpool.operations import deconfliction, links, membership
from intelpool.operations import held as takedown_held
from intelpool.operations.membership import LEAD, READ, WRITE
from intelpool.operations.models import ACTIONS, ActionDayView, NoteView, TaskView


def add_task(conn: Connection, principal: Principal, operation_id: int, text: str,
             assignee: str, due: datetime | None = None) -> int:
    row = membership.load(conn, principal, operation_id, WRITE)
    if not text.strip():
        raise InvalidInput("a task needs its text")
    now = utcnow()
    if due is not None and due < now:
        raise InvalidInput(f"due date {due:%Y-%m-%d %H:%M} UTC is in the past")
    org_id, user_id = _assignee(conn, operation_id, assignee)
    task_id = conn.execute(insert(operation_tasks).values(
        operation_id=operation_id, text=text.strip(), assignee_org_id=org_id,
        assignee_user_id=user_id, due_at=due, created_by_user_id=principal.user_id,
        created_at=now)).inserted_primary_key[0]  # type: ignore[index]
    membership.record(conn, principal, operation_id, "operation.task.add",
                      {"task": task_id, "assignee": assignee, "text": text.strip()})
    notifications.notify(conn, org_id, "task-assigned",
                         f"task {task_id} in operation {operation_id} '{row['name']}' for "
                         f"{assignee}: {text.strip()}"
                         + (f" (due {due:%Y-%m-%d %H:%M} UTC)" if due else ""),
                         "operation", operation_id)
    return int(task_id)


def _assignee(conn: Connection, operation_id: int, assignee: str) -> tuple[int, int | None]:
    """An organisation or user that takes part in the operation (lead or participant)."""
    if "@" in assignee:
        found = conn.execute(select(users.c.id, users.c.organisation_id).where(
            users.c.email == assignee.strip().lower())).first()
        org_id, user_id = (found.organisation_id, found.id) if found else (None, None)
    else:
        org_id = conn.execute(select(organisations.c.id).where(
            organisations.c.name == assignee)).scalar()
        user_id = None
    member = conn.execute(select(operation_members.c.role).where(
        operation_members.c.operation_id == operation_id,
        operation_members.c.organisation_id == org_id,
        operation_members.c.state == "joined")).scalar() if org_id else None
    if member is None or member == "observer":
        raise InvalidInput(f"{assignee} does not take part in operation {operation_id}: "
                           "assign tasks to its lead or participants")
    return int(org_id), user_id  # type: ignore[arg-type]


def set_task_done(conn: Connection, principal: Principal, task_id: int, done: bool) -> None:
    operation_id = conn.execute(select(operation_tasks.c.operation_id).where(
        operation_tasks.c.id == task_id)).scalar()
    try:
        membership.load(conn, principal, operation_id or 0, WRITE)
    except NotFound:
        raise NotFound(f"no task {task_id}") from None
    conn.execute(update(operation_tasks).where(operation_tasks.c.id == task_id).values(
        done_at=utcnow() if done else None))
    membership.record(conn, principal, int(operation_id),  # type: ignore[arg-type]
                      "operation.task.done" if done else "operation.task.reopen",
                      {"task": task_id})


def _task_query() -> Select[Any]:
    assignee = users.alias("assignee")
    return (select(operation_tasks, operations.c.name.label("operation"),
                   organisations.c.name.label("org"), assignee.c.email)
            .join(operations, operations.c.id == operation_tasks.c.operation_id)
            .join(organisations, organisations.c.id == operation_tasks.c.assignee_org_id)
            .outerjoin(assignee, assignee.c.id == operation_tasks.c.assignee_user_id))


def _task_view(r: object) -> TaskView:
    m = r._mapping  # type: ignore[attr-defined]
    now = utcnow()
    who = f"{m['email']} ({m['org']})" if m["email"] else m["org"]
    return TaskView(m["id"], m["operation_id"], m["operation"], m["text"], who, m["due_at"],
                    m["done_at"], bool(m["due_at"] and not m["done_at"] and m["due_at"] < now))


def tasks_of(conn: Connection, operation_id: int) -> list[TaskView]:
    return [_task_view(r) for r in conn.execute(_task_query().where(
        operation_tasks.c.operation_id == operation_id).order_by(operation_tasks.c.id))]


def my_tasks(conn: Connection, principal: Principal, *, open_only: bool = True,
             part: Slice = Slice()) -> list[TaskView]:
    """Tasks assigned to the principal or its organisation, in operations it has joined,
    soonest due first; ``part`` reads one page of them."""
    require(principal, Permission.POOL_READ)
    remind(conn)
    joined = select(operation_members.c.operation_id).where(
        operation_members.c.organisation_id == principal.organisation_id,
        operation_members.c.state == "joined")
    query = _task_query().where(
        operation_tasks.c.assignee_org_id == principal.organisation_id,
        operation_tasks.c.operation_id.in_(joined),
        or_(operation_tasks.c.assignee_user_id.is_(None),
            operation_tasks.c.assignee_user_id == principal.user_id))
    if open_only:
        query = query.where(operation_tasks.c.done_at.is_(None))
    query = sliced(query.order_by(operation_tasks.c.due_at, operation_tasks.c.id), part)
    return [_task_view(r) for r in conn.execute(query)]


def remind(conn: Connection, *, within_hours: int = 48) -> int:
    """Notify assignees of open tasks due within ``within_hours`` and of overdue ones, once
    each, and the parties of requests for information that expired; runs whenever tasks or
    notifications are read."""
    from intelpool.operations.rfi import notify_expired

    now = utcnow()
    sent = notify_expired(conn)
    for r in conn.execute(select(operation_tasks).where(
            operation_tasks.c.done_at.is_(None), operation_tasks.c.due_at.is_not(None),
            or_(operation_tasks.c.reminded.is_(None), operation_tasks.c.reminded == "due"))
    ).mappings().all():
        stage = "overdue" if r["due_at"] < now else \
            "due" if (r["due_at"] - now).total_seconds() < within_hours * 3600 else None
        if stage is None or stage == r["reminded"]:
            continue
        conn.execute(update(operation_tasks).where(operation_tasks.c.id == r["id"]).values(
            reminded=stage))
        notifications.notify(conn, r["assignee_org_id"], f"task-{stage}",
                             f"task {r['id']} of operation {r['operation_id']} is {stage}: "
                             f"{r['text']} (due {r['due_at']:%Y-%m-%d %H:%M} UTC)",
                             "operation", r["operation_id"])
        sent += 1
    return sent


def add_note(conn: Connection, principal: Principal, operation_id: int, text: str,
             kind: str = "note", takedown: list[str] | None = None) -> int:
    """A note, or (``kind='log'``) an entry in the live log of the action day. A private
    partner's note asking for the ``takedown`` of selectors that touch a target of another
    lead's police operation is held, unseen, until one of those leads releases it."""
    membership.load(conn, principal, operation_id, WRITE)
    if not text.strip():
        raise InvalidInput(f"a {kind} entry needs its text")
    now = utcnow()
    pairs = links.parse_values(takedown) if takedown else []
    org_kind = conn.execute(select(organisations.c.kind).where(
        organisations.c.id == principal.organisation_id)).scalar_one()
    holds = deconfliction.takedown_holds(conn, principal.organisation_id or 0, org_kind,
                                         pairs, now)
    held = list(dict.fromkeys(h[0] for h in holds))
    note_id = conn.execute(insert(operation_notes).values(
        operation_id=operation_id, kind=kind, text=text.strip(),
        author_user_id=principal.user_id, author_org_id=principal.organisation_id,
        at=now, held_for=orjson.dumps(held).decode() if held else None,
    )).inserted_primary_key[0]  # type: ignore[index]
    if not held:
        membership.record(conn, principal, operation_id, f"operation.{kind}",
                          {"id": note_id, "text": text.strip()})
        return int(note_id)
    # kept off the operation's timeline, which its members read, until released
    audit.record(conn, principal, "operation.note.held", subject_type="operation_note",
                 subject_id=note_id, subject_organisation_id=principal.organisation_id,
                 detail={"operation": operation_id, "leads": len(held)})
    takedown_held.record(conn, holds, "operation_note", int(note_id),
                         principal.organisation_id or 0)
    deconfliction.tell_held(conn, held, f"note (note {note_id})",
                            str(principal.organisation_name),
                            f"intelpool operation release-note {note_id}", "operation_note",
                            note_id)
    return int(note_id)


def is_held(conn: Connection, note_id: int) -> bool:
    return conn.execute(select(operation_notes.c.held_for).where(
        operation_notes.c.id == note_id)).scalar() is not None


def release_note(conn: Connection, principal: Principal, note_id: int) -> None:
    """A lead the takedown note was held for lets the operation's members see it."""
    require(principal, Permission.OPERATIONS_MANAGE)
    row = conn.execute(select(operation_notes).where(
        operation_notes.c.id == note_id, operation_notes.c.held_for.is_not(None))).first()
    if row is None or principal.organisation_id not in orjson.loads(row.held_for):
        raise NotFound(f"no held note {note_id}")
    conn.execute(update(operation_notes).where(operation_notes.c.id == note_id).values(
        held_for=None))
    takedown_held.clear(conn, "operation_note", note_id)
    audit.record(conn, principal, "operation.note.release", subject_type="operation_note",
                 subject_id=note_id, subject_organisation_id=row.author_org_id)


def notes_of(conn: Connection, operation_id: int) -> list[NoteView]:
    """The operation's notes and log, held takedown notes left out."""
    return [NoteView(r.id, r.kind, r.text, r.email, r.name, r.at) for r in conn.execute(
        select(operation_notes, users.c.email, organisations.c.name)
        .join(users, users.c.id == operation_notes.c.author_user_id)
        .join(organisations, organisations.c.id == operation_notes.c.author_org_id)
        .where(operation_notes.c.operation_id == operation_id,
               operation_notes.c.held_for.is_(None)).order_by(operation_notes.c.id))]


def add_action_day(conn: Connection, principal: Principal, operation_id: int, at: datetime,
                   country: str, action: str, targets: list[str], note: str | None = None) -> int:
    """Plan the action of one country on the coordinated day; its targets are linked to the
    operation and checked against other leads' action days within 7 days."""
    row = membership.load(conn, principal, operation_id, WRITE)
    if action not in ACTIONS:
        raise InvalidInput(f"unknown action {action!r}: use {', '.join(ACTIONS)}")
    cc = country.strip().upper()
    allowed = membership.countries(conn, operation_id)
    if cc not in allowed:
        raise InvalidInput(f"country {cc} is not among operation {operation_id}'s countries "
                           f"({', '.join(sorted(allowed)) or 'none'})")
    pairs = links.parse_values(targets)
    links.link_pairs(conn, principal, row, pairs, [])
    found = links.visible_observables(conn, principal, pairs)
    day_id = conn.execute(insert(action_days).values(
        operation_id=operation_id, at=at, country=cc, action=action, note=note,
        created_by_user_id=principal.user_id)).inserted_primary_key[0]  # type: ignore[index]
    if found:
        conn.execute(insert(action_day_targets), [
            {"action_day_id": day_id, "observable_id": i} for i in sorted(set(found.values()))])
    membership.record(conn, principal, operation_id, "operation.action-day",
                      {"action_day": day_id, "at": at.isoformat(), "country": cc,
                       "action": action, "targets": [f"{t} {v}" for t, v in pairs]})
    deconfliction.check_action_day(conn, int(day_id))
    return int(day_id)


def decide(conn: Connection, principal: Principal, action_day_id: int, go: bool) -> None:
    """The lead's go or no-go for one action day."""
    operation_id = conn.execute(select(action_days.c.operation_id).where(
        action_days.c.id == action_day_id)).scalar()
    try:
        row = membership.load(conn, principal, operation_id or 0, READ)
    except NotFound:
        raise NotFound(f"no action day {action_day_id}") from None
    membership.load(conn, principal, row["id"], LEAD)
    decision = "go" if go else "no-go"
    conn.execute(update(action_days).where(action_days.c.id == action_day_id).values(
        decision=decision, decided_at=utcnow()))
    membership.record(conn, principal, row["id"], "operation.decision",
                      {"action_day": action_day_id, "decision": decision})
    for org in membership.joined_org_ids(conn, row["id"]):
        if org != principal.organisation_id:
            notifications.notify(conn, org, "operation-decision",
                                 f"{decision} for action day {action_day_id} of operation "
                                 f"{row['id']} '{row['name']}'", "operation", row["id"])


def set_embargo(conn: Connection, principal: Principal, operation_id: int,
                until: datetime | None) -> None:
    membership.load(conn, principal, operation_id, LEAD)
    conn.execute(update(operations).where(operations.c.id == operation_id).values(
        embargo_until=until))
    membership.record(conn, principal, operation_id, "operation.embargo",
                      {"until": until.isoformat() if until else None})


def plan_days(conn: Connection, operation_id: int) -> list[ActionDayView]:
    targets: dict[int, list[str]] = defaultdict(list)
    for day, kind, value in conn.execute(
            select(action_day_targets.c.action_day_id, observables.c.type, observables.c.value)
            .join(observables, observables.c.id == action_day_targets.c.observable_id)
            .join(action_days, action_days.c.id == action_day_targets.c.action_day_id)
            .where(action_days.c.operation_id == operation_id)):
        targets[day].append(f"{kind} {value}")
    return [ActionDayView(r.id, r.at, r.country, r.action, sorted(targets[r.id]), r.note,
                          r.decision) for r in conn.execute(
        select(action_days).where(action_days.c.operation_id == operation_id)
        .order_by(action_days.c.at, action_days.c.id))]
