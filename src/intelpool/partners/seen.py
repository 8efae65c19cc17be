"""What a user has looked at: the hits and notifications of its organisation it has seen, so
the navigation counts only what is new to that user."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select, update

from intelpool.access import Principal
from intelpool.db.tables import notifications, users
from intelpool.db.types import utcnow


def mark_seen(conn: Connection, principal: Principal, *, hits: bool = False,
              notices: bool = False) -> None:
    """The user has seen its organisation's hits and/or notifications as they are now."""
    if principal.user_id is None or not (hits or notices):
        return
    values: dict[str, Any] = {}
    if hits:
        values["hits_seen_at"] = utcnow()
    if notices:
        values["notifications_seen_id"] = select(func.max(notifications.c.id)).where(
            notifications.c.organisation_id == principal.organisation_id).scalar_subquery()
    conn.execute(update(users).where(users.c.id == principal.user_id).values(**values))


def hits_seen_at(principal: Principal) -> Any:
    """When the user last looked at the hits (a subquery; NULL: never)."""
    return select(users.c.hits_seen_at).where(
        users.c.id == principal.user_id).scalar_subquery()


def notifications_seen_id(principal: Principal) -> Any:
    """The newest notification the user has seen (a subquery; 0: none)."""
    return func.coalesce(select(users.c.notifications_seen_id).where(
        users.c.id == principal.user_id).scalar_subquery(), 0)
