"""Requests for information and consultations: asking, receiving, accepting or declining,
and the request's own life (close, cancel, reopen, release of a held takedown request).

A request is itself handled: asking about a selector reveals interest in it, so only its
recipients and the requester see it (the host centre too when it asks on a partner's
behalf); to anyone else it does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, false, insert, or_, select, true, update

from intelpool.access import Permission, Principal, require
from intelpool.access.handling import PAP, TLP
from intelpool.audit import notifications
from intelpool.audit import service as audit
from intelpool.db.tables import (
    notifications as notices,
)
from intelpool.db.tables import (
    operation_members,
    organisations,
    rfi_items,
    rfi_recipients,
    rfi_selectors,
    rfis,
    sharing_group_members,
    sharing_groups,
)
from intelpool.db.types import utcnow
from intelpool.errors import Forbidden, InvalidInput, NotFound
from intelpool.operations import deconfliction, membership
from intelpool.operations import held as takedown_held
from intelpool.operations.links import parse_values
from intelpool.operations.membership import READ


@dataclass(slots=True)
class RfiRequest:
    to: list[str]
    question: str
    items: list[str] = field(default_factory=list)
    selectors: list[str] = field(default_factory=list)
    operation_id: int | None = None
    due: datetime | None = None
    tlp: str = "amber"
    pap: str | None = None
    answer_tlp: str | None = None
    on_behalf: bool = False
    takedown: bool = False
    meeting_at: datetime | None = None  # a consultation
    agenda: str | None = None


def recipients_of(conn: Connection, names: list[str], requester: int) -> list[int]:
    """ORG, org:ORG, group:NAME or kind:KIND as organisation ids (the requester left out)."""
    found: list[int] = []
    for name in names:
        kind, _, rest = name.partition(":")
        if kind == "group" and rest:
            group = conn.execute(select(sharing_groups.c.id).where(
                sharing_groups.c.name == rest)).scalar()
            if group is None:
                raise NotFound(f"recipient {name}: no sharing group of that name")
            found += conn.execute(select(sharing_group_members.c.organisation_id).where(
                sharing_group_members.c.group_id == group)).scalars()
        elif kind == "kind" and rest:
            ids = list(conn.execute(select(organisations.c.id).where(
                organisations.c.kind == rest)).scalars())
            if not ids:
                raise NotFound(f"recipient {name}: no organisation of that kind")
            found += ids
        else:
            found.append(membership.org_by_name(conn, rest if kind == "org" else name)["id"])
    unique = [o for o in dict.fromkeys(found) if o != requester]
    if not unique:
        raise InvalidInput("a request for information needs at least one recipient besides "
                           "your own organisation (an organisation, group:NAME or kind:KIND)")
    return unique


def create(conn: Connection, principal: Principal, request: RfiRequest) -> int:
    require(principal, Permission.POOL_SUBMIT)
    me = principal.organisation_id or 0
    if not request.question.strip():
        raise InvalidInput("a request for information needs its question")
    now = utcnow()
    if request.due is not None and request.due < now:
        raise InvalidInput(f"due date {request.due:%Y-%m-%d %H:%M} UTC is in the past")
    tlp = TLP.parse(request.tlp)
    pap = PAP.parse(request.pap) if request.pap else PAP.CLEAR
    answer_tlp = TLP.parse(request.answer_tlp) if request.answer_tlp else None
    pairs = parse_values(request.selectors)
    if request.operation_id is not None:
        membership.load(conn, principal, request.operation_id, READ)
    to = recipients_of(conn, request.to, me)
    kind = conn.execute(select(organisations.c.kind).where(organisations.c.id == me)
                        ).scalar_one()
    holds = deconfliction.takedown_holds(conn, me, kind, pairs, now) \
        if request.takedown else []
    held_for = list(dict.fromkeys(h[0] for h in holds))
    rfi_id = conn.execute(insert(rfis).values(
        requester_org_id=me, requester_user_id=principal.user_id,
        on_behalf=request.on_behalf, question=request.question.strip(),
        operation_id=request.operation_id, due_at=request.due, tlp=tlp.value, pap=pap.value,
        answer_tlp=answer_tlp.value if answer_tlp else None,
        status="held" if held_for else "open", takedown=request.takedown,
        meeting_at=request.meeting_at, agenda=request.agenda, created_at=now,
    )).inserted_primary_key[0]  # type: ignore[index]
    conn.execute(insert(rfi_recipients), [{"rfi_id": rfi_id, "organisation_id": o,
                                           "state": "submitted", "changed_at": now} for o in to])
    if request.items:
        conn.execute(insert(rfi_items), [{"rfi_id": rfi_id, "number": n, "text": t.strip()}
                                         for n, t in enumerate(request.items, start=1)])
    if pairs:
        conn.execute(insert(rfi_selectors), [{"rfi_id": rfi_id, "type": t, "value": v}
                                             for t, v in dict.fromkeys(pairs)])
    audit.record(conn, principal, "rfi.create", subject_type="rfi", subject_id=rfi_id,
                 subject_organisation_id=me,
                 detail={"recipients": len(to), "items": len(request.items),
                         "selectors": len(pairs), "held": bool(held_for)})
    takedown_held.record(conn, holds, "rfi", int(rfi_id), me)
    deconfliction.tell_held(conn, held_for, f"request (request for information {rfi_id})",
                            str(principal.organisation_name), f"intelpool rfi release {rfi_id}",
                            "rfi", rfi_id)
    if not held_for:
        _announce(conn, rfi_id)
    return int(rfi_id)


def _announce(conn: Connection, rfi_id: int) -> None:
    row = conn.execute(select(rfis).where(rfis.c.id == rfi_id)).mappings().one()
    asker = requester_label(conn, row)
    what = "consultation" if row["meeting_at"] else "request for information"
    for org in _recipient_ids(conn, rfi_id):
        notifications.notify(conn, org, "rfi-received", f"{asker} sends you {what} {rfi_id}: "
                             f"{row['question']}", "rfi", rfi_id)


def requester_label(conn: Connection, row: Any) -> str:
    if row["on_behalf"]:
        host = conn.execute(select(organisations.c.name).where(
            organisations.c.kind == "host")).scalar()
        return str(host or "the host centre")
    return membership.org_name(conn, row["requester_org_id"])


def _recipient_ids(conn: Connection, rfi_id: int) -> list[int]:
    return list(conn.execute(select(rfi_recipients.c.organisation_id).where(
        rfi_recipients.c.rfi_id == rfi_id)).scalars())


def host_id(conn: Connection) -> int | None:
    return conn.execute(select(organisations.c.id).where(organisations.c.kind == "host")
                        ).scalar()


def visible_rfis(conn: Connection, principal: Principal) -> Any:
    """The condition on ``rfis`` rows the principal's organisation may see."""
    me = principal.organisation_id
    received = select(rfi_recipients.c.rfi_id).where(rfi_recipients.c.organisation_id == me)
    return or_(rfis.c.requester_org_id == me,
               and_(rfis.c.id.in_(received), rfis.c.status != "held"),
               and_(rfis.c.on_behalf, rfis.c.status != "held",
                    true() if me is not None and me == host_id(conn) else false()))


def load(conn: Connection, principal: Principal, rfi_id: int) -> tuple[Any, str]:
    """The request and the principal's part in it, or NotFound."""
    require(principal, Permission.POOL_READ)
    row = conn.execute(select(rfis).where(rfis.c.id == rfi_id, visible_rfis(conn, principal))
                       ).mappings().first()
    if row is None:
        raise NotFound(f"no request for information {rfi_id}")
    me = principal.organisation_id
    part = "requester" if row["requester_org_id"] == me else \
        "recipient" if me in _recipient_ids(conn, rfi_id) else "host"
    return row, part


def status_of(row: Any) -> str:
    due = row["due_at"]
    return "expired" if row["status"] == "open" and due and due < utcnow() else row["status"]


def respond(conn: Connection, principal: Principal, rfi_id: int, accept: bool,
            reason: str | None = None) -> None:
    """A recipient accepts or declines (a decline needs its reason)."""
    require(principal, Permission.POOL_SUBMIT)
    row, part = load(conn, principal, rfi_id)
    if part != "recipient":
        raise Forbidden(f"only recipients accept or decline request {rfi_id}")
    if status_of(row) != "open":
        raise InvalidInput(f"request for information {rfi_id} is {status_of(row)}")
    if not accept and not (reason or "").strip():
        raise InvalidInput("a decline needs its reason")
    state = "accepted" if accept else "declined"
    set_state(conn, rfi_id, principal.organisation_id or 0, state, reason)
    audit.record(conn, principal, f"rfi.{'accept' if accept else 'decline'}", subject_type="rfi",
                 subject_id=rfi_id, subject_organisation_id=row["requester_org_id"],
                 detail={"reason": reason})
    notifications.notify(conn, row["requester_org_id"], f"rfi-{state}",
                         f"{principal.organisation_name} {state} request for information "
                         f"{rfi_id}" + (f": {reason}" if reason else ""), "rfi", rfi_id)


def set_state(conn: Connection, rfi_id: int, org_id: int, state: str,
              reason: str | None = None) -> None:
    values: dict[str, Any] = {"state": state, "changed_at": utcnow()}
    if reason is not None:
        values["reason"] = reason
    conn.execute(update(rfi_recipients).where(rfi_recipients.c.rfi_id == rfi_id,
                                              rfi_recipients.c.organisation_id == org_id)
                 .values(**values))


_TRANSITIONS = {"close": ({"open"}, "closed"), "cancel": ({"open", "held"}, "cancelled"),
                "reopen": ({"closed", "expired"}, "open")}


def change(conn: Connection, principal: Principal, rfi_id: int, what: str,
           due: datetime | None = None) -> str:
    """The requester closes, cancels or reopens its request (reopening may set a new due)."""
    row, part = load(conn, principal, rfi_id)
    if part != "requester":
        raise Forbidden(f"only the requester may {what} request for information {rfi_id}")
    allowed, new = _TRANSITIONS[what]
    if status_of(row) not in allowed:
        raise InvalidInput(f"request for information {rfi_id} is {status_of(row)}: it cannot "
                           f"be {new}")
    values: dict[str, Any] = {"status": new}
    if what == "reopen":
        if due is not None and due < utcnow():
            raise InvalidInput(f"due date {due:%Y-%m-%d %H:%M} UTC is in the past")
        values["due_at"] = due
    conn.execute(update(rfis).where(rfis.c.id == rfi_id).values(**values))
    takedown_held.clear(conn, "rfi", rfi_id)  # a cancelled request waits for nobody
    audit.record(conn, principal, f"rfi.{what}", subject_type="rfi", subject_id=rfi_id,
                 subject_organisation_id=principal.organisation_id)
    if row["status"] != "held":
        for org in _recipient_ids(conn, rfi_id):
            notifications.notify(conn, org, f"rfi-{new}", f"request for information {rfi_id} "
                                 f"is {new}", "rfi", rfi_id)
    return new


def release(conn: Connection, principal: Principal, rfi_id: int) -> None:
    """The lead of a police operation a held takedown request touches lets it go out."""
    require(principal, Permission.OPERATIONS_MANAGE)
    row = conn.execute(select(rfis).where(rfis.c.id == rfi_id, rfis.c.status == "held")
                       ).mappings().first()
    pairs = [(r.type, r.value) for r in conn.execute(
        select(rfi_selectors).where(rfi_selectors.c.rfi_id == rfi_id))]
    kind = conn.execute(select(organisations.c.kind).where(
        organisations.c.id == row["requester_org_id"])).scalar_one() if row else ""
    leads = deconfliction.takedown_leads(conn, row["requester_org_id"], kind, pairs,
                                         utcnow()) if row else []
    if row is None or (principal.organisation_id not in leads and not takedown_held.is_held_for(
            conn, "rfi", rfi_id, principal.organisation_id or 0)):
        raise NotFound(f"no held request for information {rfi_id}")
    conn.execute(update(rfis).where(rfis.c.id == rfi_id).values(status="open"))
    takedown_held.clear(conn, "rfi", rfi_id)
    audit.record(conn, principal, "rfi.release", subject_type="rfi", subject_id=rfi_id,
                 subject_organisation_id=row["requester_org_id"])
    _announce(conn, rfi_id)


def joined_operation(conn: Connection, principal: Principal, operation_id: int | None) -> bool:
    return operation_id is not None and conn.execute(select(operation_members.c.state).where(
        operation_members.c.operation_id == operation_id,
        operation_members.c.organisation_id == principal.organisation_id,
        operation_members.c.state == "joined")).first() is not None


def notify_expired(conn: Connection) -> int:
    """Tell the requester and every recipient that hasn't declined, once, that an open
    request passed its due date; runs whenever tasks or notifications are read."""
    told = select(1).where(notices.c.kind == "rfi-expired", notices.c.subject_type == "rfi",
                           notices.c.subject_id == rfis.c.id.cast(notices.c.subject_id.type),
                           notices.c.organisation_id == rfis.c.requester_org_id).exists()
    overdue = conn.execute(select(rfis.c.id, rfis.c.requester_org_id, rfis.c.due_at).where(
        rfis.c.status == "open", rfis.c.due_at < utcnow(), ~told)).all()
    for rfi_id, requester, due in overdue:
        recipients = conn.execute(select(rfi_recipients.c.organisation_id).where(
            rfi_recipients.c.rfi_id == rfi_id, rfi_recipients.c.state != "declined")).scalars()
        for org in sorted({requester, *recipients}):
            notifications.notify(conn, org, "rfi-expired",
                                 f"request for information {rfi_id} expired unanswered or "
                                 f"partly answered (due {due:%Y-%m-%d %H:%M} UTC)",
                                 "rfi", rfi_id)
    return len(overdue)
