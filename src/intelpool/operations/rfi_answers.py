"""Answers to requests for information, item by item, with text and optionally a file.

A file goes through the normal import path as a contribution of the answering organisation
whose audience is the requester (the host centre, when it asked on a partner's behalf, with
the partner's release recorded as a grant), every invitee of a consultation, and the members
of the request's operation; it matches and raises hits like any other. A file marked stricter
than the requester accepts waits for the answerer's consent, which relaxes it to what the
requester accepts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from intelpool.access import Permission, Principal, require
from intelpool.access.handling import TLP
from intelpool.audit import notifications
from intelpool.audit import service as audit
from intelpool.config import Settings
from intelpool.db.tables import (
    contribution_audience_orgs,
    contribution_grants,
    contributions,
    operation_contributions,
    organisations,
    rfi_answers,
    rfi_items,
    rfi_notes,
    rfi_recipients,
    rfis,
)
from intelpool.db.types import utcnow
from intelpool.errors import Forbidden, InvalidInput, NotFound
from intelpool.operations import rfi
from intelpool.pool import ingest


def answer(conn: Connection, principal: Principal, rfi_id: int, text: str, *,
           item: int | None = None, submission: ingest.Submission | None = None,
           settings: Settings | None = None) -> int:
    require(principal, Permission.POOL_SUBMIT)
    row, part = rfi.load(conn, principal, rfi_id)
    me = principal.organisation_id or 0
    if part != "recipient":
        raise Forbidden(f"only recipients answer request for information {rfi_id}")
    if rfi.status_of(row) != "open":
        raise InvalidInput(f"request for information {rfi_id} is {rfi.status_of(row)}")
    state = conn.execute(select(rfi_recipients.c.state).where(
        rfi_recipients.c.rfi_id == rfi_id, rfi_recipients.c.organisation_id == me)).scalar()
    if state == "declined":
        raise InvalidInput(f"you declined request for information {rfi_id}")
    items = set(conn.execute(select(rfi_items.c.number).where(rfi_items.c.rfi_id == rfi_id))
                .scalars())
    if item is not None and item not in items:
        raise InvalidInput(f"request for information {rfi_id} has no item {item}")
    if not text.strip():
        raise InvalidInput("an answer needs its text")
    contribution_id, delivered = None, True
    if submission is not None:
        accepted = TLP.parse(row["answer_tlp"]) if row["answer_tlp"] else None
        delivered = accepted is None or TLP.parse(submission.handling.tlp).rank <= accepted.rank
        # Never the pool, whatever the TLP: the readers are named (or, until consent, none).
        readers = _readers(conn, row) - {me} if delivered else set()
        submission.handling.audience = [
            f"org:{name}" for name in sorted(conn.execute(select(organisations.c.name).where(
                organisations.c.id.in_(readers or {me}))).scalars())]
        summary = ingest.submit(conn, principal, submission, settings=settings)
        contribution_id = summary.contribution_id
    answer_id = conn.execute(insert(rfi_answers).values(
        rfi_id=rfi_id, organisation_id=me, user_id=principal.user_id, item=item,
        text=text.strip(), contribution_id=contribution_id, delivered=delivered, at=utcnow())
    ).inserted_primary_key[0]  # type: ignore[index]
    answered = set(conn.execute(select(rfi_answers.c.item).where(
        rfi_answers.c.rfi_id == rfi_id, rfi_answers.c.organisation_id == me)).scalars())
    rfi.set_state(conn, rfi_id, me, "answered" if items <= answered or not items
                  else "in-progress")
    audit.record(conn, principal, "rfi.answer", subject_type="rfi", subject_id=rfi_id,
                 subject_organisation_id=row["requester_org_id"],
                 detail={"answer": answer_id, "item": item, "contribution": contribution_id,
                         "delivered": delivered})
    if delivered:
        _deliver(conn, principal, row, int(answer_id))
    else:
        notifications.notify(conn, me, "rfi-consent", f"your answer {answer_id} to request "
                             f"for information {rfi_id} is marked stricter than the requester "
                             f"accepts (TLP:{row['answer_tlp'].upper()}): it waits for your "
                             f"consent ('intelpool rfi consent {answer_id}')", "rfi", rfi_id)
    return int(answer_id)


def consent(conn: Connection, principal: Principal, answer_id: int) -> None:
    """The answerer agrees to release a stricter answer under the handling the requester
    accepts."""
    require(principal, Permission.ACCESS_DECIDE)
    found = conn.execute(select(rfi_answers).where(
        rfi_answers.c.id == answer_id,
        rfi_answers.c.organisation_id == principal.organisation_id)).mappings().first()
    if found is None:
        raise NotFound(f"no answer {answer_id} of your organisation")
    if found["delivered"]:
        raise InvalidInput(f"answer {answer_id} is already delivered")
    row = conn.execute(select(rfis).where(rfis.c.id == found["rfi_id"])).mappings().one()
    if found["contribution_id"] is not None:
        conn.execute(update(contributions).where(
            contributions.c.id == found["contribution_id"]).values(tlp=row["answer_tlp"]))
    audit.record(conn, principal, "rfi.consent", subject_type="rfi", subject_id=row["id"],
                 subject_organisation_id=row["requester_org_id"],
                 detail={"answer": answer_id, "tlp": row["answer_tlp"]})
    _deliver(conn, principal, row, answer_id)


def _deliver(conn: Connection, principal: Principal, row: Any, answer_id: int) -> None:
    """Open the answer's file to its readers and tell the requester."""
    found = conn.execute(select(rfi_answers).where(rfi_answers.c.id == answer_id)
                         ).mappings().one()
    conn.execute(update(rfi_answers).where(rfi_answers.c.id == answer_id).values(
        delivered=True))
    cid, rfi_id = found["contribution_id"], row["id"]
    asker = rfi.host_id(conn) if row["on_behalf"] else row["requester_org_id"]
    if cid is not None:
        _add_audience(conn, cid, _readers(conn, row) - {principal.organisation_id})
        if row["on_behalf"]:
            _grant(conn, cid, row["requester_org_id"], rfi_id, principal)
        if row["operation_id"] is not None and conn.execute(
                select(operation_contributions.c.contribution_id).where(
                    operation_contributions.c.operation_id == row["operation_id"],
                    operation_contributions.c.contribution_id == cid)).first() is None:
            conn.execute(insert(operation_contributions).values(
                operation_id=row["operation_id"], contribution_id=cid, added_at=utcnow()))
    item = f" (item {found['item']})" if found["item"] else ""
    for org in {row["requester_org_id"], asker}:
        if org is not None:
            notifications.notify(conn, org, "rfi-answered",
                                 f"{principal.organisation_name} answered request for "
                                 f"information {rfi_id}{item}"
                                 + (f" with contribution {cid}" if cid else ""), "rfi", rfi_id)


def _readers(conn: Connection, row: Any) -> set[int | None]:
    """Who an answer's file goes to: the asker (the host centre when it asked on a partner's
    behalf) and, in a consultation, every invitee."""
    asker = rfi.host_id(conn) if row["on_behalf"] else row["requester_org_id"]
    invitees = set(conn.execute(select(rfi_recipients.c.organisation_id).where(
        rfi_recipients.c.rfi_id == row["id"])).scalars()) if row["meeting_at"] else set()
    return {asker} | invitees


def _add_audience(conn: Connection, contribution_id: int, orgs: set[int | None]) -> None:
    have = set(conn.execute(select(contribution_audience_orgs.c.organisation_id).where(
        contribution_audience_orgs.c.contribution_id == contribution_id)).scalars())
    new = sorted(o for o in orgs if o is not None and o not in have)
    if new:
        conn.execute(insert(contribution_audience_orgs), [
            {"contribution_id": contribution_id, "organisation_id": o} for o in new])


def _grant(conn: Connection, contribution_id: int, org: int, rfi_id: int,
           principal: Principal) -> None:
    """The partner that asked through the host centre reads the answer: a release the
    answerer made by answering, recorded as a grant (it never learns who asked)."""
    exists = conn.execute(select(func.count()).select_from(contribution_grants).where(
        contribution_grants.c.contribution_id == contribution_id,
        contribution_grants.c.organisation_id == org)).scalar_one()
    if not exists:
        conn.execute(insert(contribution_grants).values(
            contribution_id=contribution_id, organisation_id=org, access_request_id=None,
            consent=f"answer by {principal.email} to request for information {rfi_id}, "
                    "asked through the host centre", granted_at=utcnow()))


def add_minutes(conn: Connection, principal: Principal, rfi_id: int, text: str) -> int:
    """Minutes of a consultation (or notes on a request), shared with every invitee."""
    row, part = rfi.load(conn, principal, rfi_id)
    if part != "requester":
        raise Forbidden(f"only the requester writes the minutes of request {rfi_id}")
    if not text.strip():
        raise InvalidInput("minutes need their text")
    note_id = conn.execute(insert(rfi_notes).values(
        rfi_id=rfi_id, text=text.strip(), author_user_id=principal.user_id,
        author_org_id=principal.organisation_id, at=utcnow())).inserted_primary_key[0]  # type: ignore[index]
    audit.record(conn, principal, "rfi.minutes", subject_type="rfi", subject_id=rfi_id,
                 subject_organisation_id=principal.organisation_id)
    for org in conn.execute(select(rfi_recipients.c.organisation_id).where(
            rfi_recipients.c.rfi_id == rfi_id)).scalars():
        notifications.notify(conn, org, "rfi-minutes", f"minutes added to "
                             f"{'consultation' if row['meeting_at'] else 'request'} {rfi_id}",
                             "rfi", rfi_id)
    return int(note_id)

