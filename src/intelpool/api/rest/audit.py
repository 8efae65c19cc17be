"""The audit trail: events by or about your organisation (organisation admins)."""

from __future__ import annotations

from fastapi import APIRouter

from intelpool.api.deps import AuditReader, Conn
from intelpool.api.paging import CursorParam, LimitParam, Page, keyset_page
from intelpool.audit import service as audit
from intelpool.audit.service import AuditEvent

router = APIRouter(tags=["audit"])


@router.get("/audit")
def trail(conn: Conn, caller: AuditReader, limit: LimitParam = 100,
          cursor: CursorParam = None) -> Page[AuditEvent]:
    """Your organisation's audit trail, newest first."""
    return keyset_page(lambda n, before: audit.trail(conn, caller, limit=n, before=before),
                       limit, cursor, key=lambda e: e.id)
