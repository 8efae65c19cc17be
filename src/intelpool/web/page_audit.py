"""The organisation's audit trail: what its users did and what was done about it."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from intelpool.audit import service as audit
from intelpool.db.sorting import Slice
from intelpool.web import list_exports
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, render
from intelpool.web.listing import as_page, csv_response, window

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("Audit", "/audit", "org:audit-read")]


@router.get("/audit", include_in_schema=False)
def trail(request: Request, viewer: CurrentViewer, action: str = "", sort: str = "-at",
          page: int = 1) -> HTMLResponse:
    with viewer.transaction() as conn:
        found = audit.trail_page(conn, viewer.principal, action=action or None,
                                 part=window(page, sort))
        actions = audit.trail_actions(conn, viewer.principal)
    return render(request, viewer, "audit.html", {
        "page": as_page(found, page, sort), "params": {"action": action, "sort": sort},
        "actions": actions})


@router.get("/audit.csv", include_in_schema=False)
def trail_csv(viewer: CurrentViewer, action: str = "", sort: str = "-at") -> Response:
    with viewer.transaction() as conn:
        found = audit.trail_page(conn, viewer.principal, action=action or None,
                                 part=Slice(sort)).items
    return csv_response("audit.csv", list_exports.AUDIT_HEADER, list_exports.audit_rows(found))
