"""The audit trail: events by or about your organisation (organisation admins)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from intelpool.api.deps import AuditReader, Conn
from intelpool.api.paging import (
    CursorParam,
    LimitParam,
    Page,
    sort_param,
    sort_query,
    sorted_page,
)
from intelpool.audit import service as audit
from intelpool.audit.service import AuditEvent

router = APIRouter(tags=["audit"])


@router.get("/audit")
def trail(conn: Conn, caller: AuditReader,
          action: str | None = Query(None, max_length=64,
                                     description="Only actions starting with this."),
          sort: str = sort_query(audit.TRAIL_SORTS, "-id"), limit: LimitParam = 100,
          cursor: CursorParam = None) -> Page[AuditEvent]:
    """Your organisation's audit trail, newest first."""
    sort = sort_param(sort, audit.TRAIL_SORTS, "the audit trail")
    return sorted_page(lambda part, before: audit.trail_page(
        conn, caller, action=action, part=part, before=before), limit, cursor, sort,
        key=lambda e: e.id)
