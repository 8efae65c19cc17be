"""The dashboard: new hits, access requests waiting for a decision, notifications."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from intelpool.audit import notifications
from intelpool.matching import access_requests, hits
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, render

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("Dashboard", "/")]
SHOWN = 10


@router.get("/", include_in_schema=False)
def dashboard(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    me = viewer.principal
    with viewer.transaction() as conn:
        report = hits.list_hits(conn, me, limit=SHOWN)
        pending = access_requests.list_requests(conn, me, status="pending")
        notices = notifications.inbox(conn, me, limit=SHOWN)
    to_decide = [r for r in pending if r.holder == me.organisation_name]
    return render(request, viewer, "dashboard.html", {
        "hits": report.hits, "to_decide": to_decide,
        "waiting": [r for r in pending if r.holder != me.organisation_name],
        "notices": notices})
