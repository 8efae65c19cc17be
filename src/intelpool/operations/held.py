"""Takedown requests and notes held for the leads of police operations they touch: what each
lead has to release, and how many. A lead learns which of its own targets a held item
touches and who sent it, never the item's text or the sender's operation (a pointer, as
deconfliction alerts are)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, false, func, insert, select

from intelpool.access import Permission, Principal
from intelpool.db.tables import operations, organisations, takedown_holds
from intelpool.db.types import utcnow

KINDS = {"rfi": "request for information", "operation_note": "operation note"}


@dataclass(frozen=True, slots=True)
class HeldView:
    subject_type: str  # rfi or operation_note
    id: int
    sender: str
    held_at: datetime
    # (your operation id, its name, your target, how the held item touches it)
    touches: list[tuple[int | None, str, str, str]] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return KINDS[self.subject_type]


def record(conn: Connection, holds: list[tuple[int, int, str, str]], subject_type: str,
           subject_id: int, sender_org_id: int) -> None:
    """Keep, for each lead, which of its targets (lead, operation, target, match) the item
    touches."""
    now = utcnow()
    if holds:
        conn.execute(insert(takedown_holds), [
            {"subject_type": subject_type, "subject_id": subject_id,
             "sender_org_id": sender_org_id, "lead_org_id": lead, "operation_id": operation,
             "target": target[:600], "match": match, "created_at": now}
            for lead, operation, target, match in holds])


def clear(conn: Connection, subject_type: str, subject_id: int) -> None:
    """Released (by any of its leads) or withdrawn: no lead waits on it any more."""
    conn.execute(delete(takedown_holds).where(takedown_holds.c.subject_type == subject_type,
                                              takedown_holds.c.subject_id == subject_id))


def is_held_for(conn: Connection, subject_type: str, subject_id: int, org_id: int) -> bool:
    return conn.execute(select(takedown_holds.c.id).where(
        takedown_holds.c.subject_type == subject_type,
        takedown_holds.c.subject_id == subject_id,
        takedown_holds.c.lead_org_id == org_id)).first() is not None


def _mine(principal: Principal) -> Any:
    """Only a lead organisation's users who may release (operations:manage) see its holds."""
    if Permission.OPERATIONS_MANAGE not in principal.permissions:
        return false()
    return takedown_holds.c.lead_org_id == principal.organisation_id


def held_for(conn: Connection, principal: Principal,
             operation_id: int | None = None) -> list[HeldView]:
    """What waits for the principal's organisation to release, the oldest first; with
    ``operation_id``, only what touches that operation's targets."""
    query = (select(takedown_holds, organisations.c.name.label("sender"),
                    operations.c.name.label("operation"))
             .join(organisations, organisations.c.id == takedown_holds.c.sender_org_id)
             .outerjoin(operations, operations.c.id == takedown_holds.c.operation_id)
             .where(_mine(principal)).order_by(takedown_holds.c.id))
    if operation_id is not None:
        query = query.where(takedown_holds.c.operation_id == operation_id)
    found: dict[tuple[str, int], HeldView] = {}
    touches: dict[tuple[str, int], list[tuple[int | None, str, str, str]]] = defaultdict(list)
    for r in conn.execute(query):
        key = (r.subject_type, r.subject_id)
        found.setdefault(key, HeldView(r.subject_type, r.subject_id, r.sender, r.created_at))
        if r.target:
            touches[key].append((r.operation_id, r.operation or "", r.target, r.match or ""))
    return [HeldView(v.subject_type, v.id, v.sender, v.held_at, touches[k])
            for k, v in found.items()]


def count_held(conn: Connection, principal: Principal) -> int:
    """How many held items wait for the principal's organisation (one small indexed count)."""
    items = select(takedown_holds.c.subject_type, takedown_holds.c.subject_id).where(
        _mine(principal)).distinct().subquery()
    return int(conn.execute(select(func.count()).select_from(items)).scalar_one())
