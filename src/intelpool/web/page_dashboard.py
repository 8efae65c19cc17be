"""The dashboard: new hits, access requests waiting for a decision, notifications, my tasks
and the requests for information due."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from intelpool.audit import notifications
from intelpool.matching import access_requests, hits
from intelpool.operations import held, rfi_views, work
from intelpool.operations.models import RfiView
from intelpool.partners import seen
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, is_htmx, render

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
        tasks = work.my_tasks(conn, me)
        requests = rfi_views.list_rfis(conn, me)
        waiting_release = held.held_for(conn, me)
        if not is_htmx(request):  # the full page shows the notifications: seen now
            seen.mark_seen(conn, me, notices=True)
    to_decide = [r for r in pending if r.holder == me.organisation_name]
    return render(request, viewer, "dashboard.html", {
        "hits": report.hits, "to_decide": to_decide,
        "waiting": [r for r in pending if r.holder != me.organisation_name],
        "notices": notices, "held": waiting_release, "tasks": tasks[:SHOWN],
        "rfis_due": _due(requests, me.organisation_name)[:SHOWN]})


def _due(requests: list[RfiView], mine: str) -> list[RfiView]:
    """Open requests waiting for my organisation's answer, the soonest due first."""
    waiting = [r for r in requests if r.status == "open" and r.your_part == "recipient"
               and any(x.organisation == mine and x.state in ("submitted", "accepted",
                                                              "in-progress")
                       for x in r.recipients)]
    return sorted(waiting, key=lambda r: (r.due_at is None, r.due_at or r.created_at))
