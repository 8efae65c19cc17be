"""Notices to an organisation: new hits, access requests and their decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select

from intelpool.access import Permission, Principal, require
from intelpool.db.tables import notifications
from intelpool.db.types import utcnow
from intelpool.partners import seen


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    created_at: datetime
    kind: str
    message: str
    subject_type: str | None
    subject_id: str | None


def notify(conn: Connection, organisation_id: int, kind: str, message: str,
           subject_type: str | None, subject_id: object) -> None:
    conn.execute(insert(notifications).values(
        organisation_id=organisation_id, created_at=utcnow(), kind=kind, message=message,
        subject_type=subject_type, subject_id=None if subject_id is None else str(subject_id)))


def inbox(conn: Connection, principal: Principal, *, limit: int = 100,
          before: int | None = None) -> list[Notification]:
    """The principal's organisation's notices, newest first (ids below ``before``)."""
    require(principal, Permission.POOL_READ)
    query = select(notifications).where(
        notifications.c.organisation_id == principal.organisation_id)
    if before is not None:
        query = query.where(notifications.c.id < before)
    rows = conn.execute(query.order_by(notifications.c.id.desc()).limit(limit)).mappings()
    return [Notification(r["id"], r["created_at"], r["kind"], r["message"], r["subject_type"],
                         r["subject_id"]) for r in rows]


def count_unread(conn: Connection, principal: Principal) -> int:
    """The organisation's notices newer than the newest one the user has seen."""
    require(principal, Permission.POOL_READ)
    return int(conn.execute(select(func.count()).select_from(notifications).where(
        notifications.c.organisation_id == principal.organisation_id,
        notifications.c.id > seen.notifications_seen_id(principal))).scalar_one())
