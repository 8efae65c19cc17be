"""Reading requests for information: each organisation sees its own part of them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, true

from intelpool.access import Principal
from intelpool.audit import service as audit
from intelpool.db.tables import (
    organisations,
    rfi_answers,
    rfi_items,
    rfi_notes,
    rfi_recipients,
    rfi_selectors,
    rfis,
    users,
)
from intelpool.operations import rfi
from intelpool.operations.models import AnswerView, NoteView, RecipientView, RfiView


def list_rfis(conn: Connection, principal: Principal) -> list[RfiView]:
    """Requests the principal's organisation asked or received, newest first."""
    rows = conn.execute(select(rfis).where(rfi.visible_rfis(conn, principal))
                        .order_by(rfis.c.id.desc())).mappings().all()
    views = [_view(conn, principal, r, _part(conn, principal, r), full=False) for r in rows]
    audit.record(conn, principal, "rfi.list", subject_type="rfis",
                 detail={"rfis": [v.id for v in views]})
    return views


def show(conn: Connection, principal: Principal, rfi_id: int) -> RfiView:
    row, part = rfi.load(conn, principal, rfi_id)
    view = _view(conn, principal, row, part, full=True)
    audit.record(conn, principal, "rfi.show", subject_type="rfi", subject_id=rfi_id,
                 subject_organisation_id=row["requester_org_id"],
                 detail={"answers": [a.id for a in view.answers]})
    return view


def _part(conn: Connection, principal: Principal, row: Any) -> str:
    if row["requester_org_id"] == principal.organisation_id:
        return "requester"
    mine = conn.execute(select(rfi_recipients.c.state).where(
        rfi_recipients.c.rfi_id == row["id"],
        rfi_recipients.c.organisation_id == principal.organisation_id)).first()
    return "recipient" if mine else "host"


def _view(conn: Connection, principal: Principal, row: Any, part: str, *,
          full: bool) -> RfiView:
    rfi_id, me = row["id"], principal.organisation_id
    shared = part != "recipient" or row["meeting_at"] is not None  # consultations share
    recipients = [RecipientView(r.name, r.state, r.reason) for r in conn.execute(
        select(organisations.c.name, rfi_recipients.c.state, rfi_recipients.c.reason)
        .join(organisations, organisations.c.id == rfi_recipients.c.organisation_id)
        .where(rfi_recipients.c.rfi_id == rfi_id,
               true() if shared else rfi_recipients.c.organisation_id == me)
        .order_by(organisations.c.name))]
    answers: list[AnswerView] = []
    minutes: list[NoteView] = []
    if full:
        query = (select(rfi_answers, organisations.c.name)
                 .join(organisations, organisations.c.id == rfi_answers.c.organisation_id)
                 .where(rfi_answers.c.rfi_id == rfi_id))
        if not shared:
            query = query.where(rfi_answers.c.organisation_id == me)
        answers = [AnswerView(a.id, a.name, a.item, a.text, a.contribution_id, a.delivered, a.at)
                   for a in conn.execute(query.order_by(rfi_answers.c.id))
                   if a.delivered or a.organisation_id == me]
        minutes = [NoteView(n.id, "minutes", n.text, n.email, n.name, n.at) for n in conn.execute(
            select(rfi_notes, users.c.email, organisations.c.name)
            .join(users, users.c.id == rfi_notes.c.author_user_id)
            .join(organisations, organisations.c.id == rfi_notes.c.author_org_id)
            .where(rfi_notes.c.rfi_id == rfi_id).order_by(rfi_notes.c.id))]
    items = list(conn.execute(select(rfi_items.c.text).where(rfi_items.c.rfi_id == rfi_id)
                              .order_by(rfi_items.c.number)).scalars())
    selectors = [f"{t} {v}" for t, v in conn.execute(
        select(rfi_selectors.c.type, rfi_selectors.c.value).where(
            rfi_selectors.c.rfi_id == rfi_id))]
    # A partner asking through the host is named to itself and the host, never to recipients.
    asker = rfi.requester_label(conn, row) if part == "recipient" else \
        str(conn.execute(select(organisations.c.name).where(
            organisations.c.id == row["requester_org_id"])).scalar_one()) + \
        (" (asked through the host centre)" if row["on_behalf"] else "")
    return RfiView(
        id=rfi_id, requester=asker, question=row["question"], status=rfi.status_of(row),
        your_part=part, tlp=row["tlp"], pap=row["pap"], answer_tlp=row["answer_tlp"],
        due_at=row["due_at"], created_at=row["created_at"], meeting_at=row["meeting_at"],
        agenda=row["agenda"],
        operation_id=row["operation_id"] if rfi.joined_operation(
            conn, principal, row["operation_id"]) else None,
        items=items, selectors=selectors, recipients=recipients, answers=answers,
        minutes=minutes)
