"""Notifications: notices for your organisation (hits, access requests, decisions)."""

from __future__ import annotations

from fastapi import APIRouter

from intelpool.api.deps import Conn, Reader
from intelpool.api.paging import CursorParam, LimitParam, Page, keyset_page
from intelpool.audit import notifications
from intelpool.audit.notifications import Notification

router = APIRouter(tags=["notifications"])


@router.get("/notifications")
def inbox(conn: Conn, caller: Reader, limit: LimitParam = 100,
          cursor: CursorParam = None) -> Page[Notification]:
    """Your organisation's notices, newest first."""
    return keyset_page(lambda n, before: notifications.inbox(conn, caller, limit=n,
                                                             before=before),
                       limit, cursor, key=lambda x: x.id)
