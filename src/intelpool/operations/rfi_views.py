"""Reading requests for information: each organisation sees its own part of them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, case, func, select, true

from intelpool.access import Permission, Principal, require
from intelpool.audit import service as audit
from intelpool.db.sorting import Listed, Slice, SortKeys, checked, count, ordered, sliced
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
from intelpool.db.types import utcnow
from intelpool.errors import InvalidInput
from intelpool.operations import rfi
from intelpool.operations.models import AnswerView, NoteView, RecipientView, RfiView

RFI_SORTS = ("id", "due", "status", "requester", "part", "created")
RFI_BOXES = ("inbox", "outbox")


def list_rfis(conn: Connection, principal: Principal) -> list[RfiView]:
    """Requests the principal's organisation asked or received, newest first."""
    return rfi_page(conn, principal).items


def rfi_page(conn: Connection, principal: Principal, box: str | None = None,
             part: Slice = Slice(), before: int | None = None) -> Listed[RfiView]:
    """Requests the principal's organisation asked (``box`` outbox) or received (inbox),
    sorted and sliced in SQL (newest first by default; ids below ``before`` for keyset
    paging), and how many match. The principal's part is computed in SQL, so a page holds
    exactly the rows of its box."""
    require(principal, Permission.POOL_READ)
    if box is not None and box not in RFI_BOXES:
        raise InvalidInput(f"no box {box!r}: inbox or outbox")
    sort = checked(part.sort or "-id", RFI_SORTS, "requests for information")
    query, keys, your_part = _rfi_query(conn, principal)
    if box is not None:
        query = query.where(your_part == "requester" if box == "outbox"
                            else your_part != "requester")
    total = count(conn, query)
    if before is not None:
        query = query.where(rfis.c.id < before)
    rows = conn.execute(sliced(ordered(query, sort, keys, rfis.c.id,
                                       "requests for information"), part)).mappings().all()
    views = [_view(conn, principal, r, r["your_part"], full=False) for r in rows]
    audit.record(conn, principal, "rfi.list", subject_type="rfis",
                 detail={"rfis": [v.id for v in views]}, read=True)
    return Listed(views, total)


def rfi_counts(conn: Connection, principal: Principal) -> dict[str, int]:
    """How many requests each box holds (counts only: no request is read)."""
    require(principal, Permission.POOL_READ)
    query, _, your_part = _rfi_query(conn, principal)
    return {"inbox": count(conn, query.where(your_part != "requester")),
            "outbox": count(conn, query.where(your_part == "requester"))}


def _rfi_query(conn: Connection, principal: Principal
               ) -> tuple[Select[Any], SortKeys, ColumnElement[str]]:
    me = principal.organisation_id
    received = select(rfi_recipients.c.rfi_id).where(
        rfi_recipients.c.rfi_id == rfis.c.id, rfi_recipients.c.organisation_id == me).exists()
    your_part: ColumnElement[str] = case((rfis.c.requester_org_id == me, "requester"),
                                         (received, "recipient"), else_="host")
    asker = organisations.alias("asker")
    host = select(organisations.c.name).where(organisations.c.kind == "host").limit(1)
    # Sorted by the name the viewer is shown: a recipient of a request asked through the
    # host sees the host centre, so the hidden partner's name never orders its rows.
    shown = case((and_(rfis.c.on_behalf, your_part == "recipient"),
                  func.coalesce(host.scalar_subquery(), "the host centre")),
                 else_=asker.c.name)
    status = case((and_(rfis.c.status == "open", rfis.c.due_at < utcnow()), "expired"),
                  else_=rfis.c.status)
    query = (select(rfis, your_part.label("your_part"))
             .join(asker, asker.c.id == rfis.c.requester_org_id)
             .where(rfi.visible_rfis(conn, principal)))
    # Requests without a due date come last ascending on both stores.
    keys: SortKeys = {"id": [], "due": [case((rfis.c.due_at.is_(None), 1), else_=0),
                                        rfis.c.due_at],
                      "status": [status], "requester": [shown], "part": [your_part],
                      "created": [rfis.c.created_at]}
    return query, keys, your_part


def show(conn: Connection, principal: Principal, rfi_id: int) -> RfiView:
    row, part = rfi.load(conn, principal, rfi_id)
    view = _view(conn, principal, row, part, full=True)
    audit.record(conn, principal, "rfi.show", subject_type="rfi", subject_id=rfi_id,
                 subject_organisation_id=row["requester_org_id"],
                 detail={"answers": [a.id for a in view.answers]}, read=True)
    return view


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
