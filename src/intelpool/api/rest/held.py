"""Held takedowns: requests and notes that touch a police operation's target wait for that
operation's lead, who lists and releases them here (requests for information are released
at ``/rfis/{id}/release``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as PathParam
from pydantic import BaseModel

from intelpool.api.deps import Conn, OperationsManager, Reader
from intelpool.operations import held, work

router = APIRouter(tags=["operations"])


class Touch(BaseModel):
    operation: int | None
    operation_name: str
    target: str  # your target the held item touches, as "type value"
    match: str  # how it touches it


class HeldItem(BaseModel):
    subject_type: str  # rfi or operation_note
    id: int
    kind: str
    sender: str
    held_at: datetime
    touches: list[Touch]


class HeldList(BaseModel):
    items: list[HeldItem]


@router.get("/held")
def held_list(conn: Conn, caller: Reader) -> HeldList:
    """What waits for your organisation to release, the oldest first: only the leads of the
    operations a held item touches see it (and only users who may manage operations); each
    item names your targets it touches and its sender, never its text."""
    return HeldList(items=[
        HeldItem(subject_type=h.subject_type, id=h.id, kind=h.kind, sender=h.sender,
                 held_at=h.held_at,
                 touches=[Touch(operation=o, operation_name=n, target=t, match=m)
                          for o, n, t, m in h.touches])
        for h in held.held_for(conn, caller)])


@router.post("/notes/{note_id}/release", status_code=204)
def release_note(conn: Conn, caller: OperationsManager,
                 note_id: Annotated[int, PathParam(ge=1, le=2**62)]) -> None:
    """Release a takedown note held for you: the members of its operation see it."""
    work.release_note(conn, caller, note_id)
