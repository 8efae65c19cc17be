"""The organisation's audit trail: what its users did and what was done about it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from intelpool.audit import service as audit
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, render
from intelpool.web.listing import csv_response, paginate

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("Audit", "/audit", "org:audit-read")]
TRAIL_LIMIT = 5000
SORTS: dict[str, Any] = {"at": lambda e: e.at, "actor": lambda e: e.actor,
                         "action": lambda e: e.action}


@router.get("/audit", include_in_schema=False)
def trail(request: Request, viewer: CurrentViewer, action: str = "", sort: str = "-at",
          page: int = 1) -> HTMLResponse:
    with viewer.transaction() as conn:
        events = audit.trail(conn, viewer.principal, limit=TRAIL_LIMIT)
    shown = [e for e in events if not action or e.action.startswith(action)]
    return render(request, viewer, "audit.html", {
        "page": paginate(shown, page, sort, SORTS), "params": {"action": action, "sort": sort},
        "actions": sorted({e.action for e in events})})


@router.get("/audit.csv", include_in_schema=False)
def trail_csv(viewer: CurrentViewer, action: str = "") -> Response:
    with viewer.transaction() as conn:
        events = audit.trail(conn, viewer.principal, limit=TRAIL_LIMIT)
    rows = [[e.id, e.at.isoformat(), e.actor, e.action, e.subject_type or "",
             e.subject_id or "", e.detail] for e in events
            if not action or e.action.startswith(action)]
    return csv_response("audit.csv", ["id", "at", "actor", "action", "subject_type",
                                      "subject_id", "detail"], rows)
