"""Joint operations: the list (mine, invitations), creating one, an operation's page, and its
membership and status. To an organisation that is not a member an operation reads exactly
like one that does not exist; an invited organisation sees only the invitation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from intelpool.config import Settings
from intelpool.db.sorting import Slice
from intelpool.errors import NotFound
from intelpool.operations import alerts, held, service, work
from intelpool.operations.models import ACTIONS, OUTCOMES, MemberRole, Status
from intelpool.partners import service as partners
from intelpool.pool.themes import Theme
from intelpool.web import list_exports
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, render
from intelpool.web.forms import when
from intelpool.web.listing import as_page, csv_response, window

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("Operations", "/operations", "pool:read")]


def back(operation_id: int, anchor: str = "") -> RedirectResponse:
    """After a change, the operation's page again (a reload does not repeat the change)."""
    return RedirectResponse(f"/operations/{operation_id}{anchor}", status_code=303)


@router.get("/operations", include_in_schema=False)
def operation_list(request: Request, viewer: CurrentViewer, sort: str = "-id", page: int = 1,
                   isort: str = "-id", ipage: int = 1, asort: str = "id",
                   apage: int = 1) -> HTMLResponse:
    """My operations, the invitations and the deconfliction alerts, each paged and sorted
    on its own."""
    with viewer.transaction() as conn:
        joined = service.operation_page(conn, viewer.principal, "joined", window(page, sort))
        invited = service.operation_page(conn, viewer.principal, "invited",
                                         window(ipage, isort))
        own_alerts = alerts.alert_page(conn, viewer.principal, window(apage, asort))
    params = {"sort": sort, "page": page, "isort": isort, "ipage": ipage, "asort": asort,
              "apage": apage}
    return render(request, viewer, "operations.html", {
        "alerts": as_page(own_alerts, apage, asort), "params": params,
        "joined": as_page(joined, page, sort),
        "invited": as_page(invited, ipage, isort), "themes": [t.value for t in Theme]})


@router.get("/operations.csv", include_in_schema=False)
def operation_csv(viewer: CurrentViewer, state: str = "", sort: str = "-id") -> Response:
    with viewer.transaction() as conn:
        found = service.operation_page(conn, viewer.principal, state or None,
                                       Slice(sort)).items
    return csv_response("operations.csv", list_exports.OPERATION_HEADER,
                        list_exports.operation_rows(found))


@router.get("/deconfliction.csv", include_in_schema=False)
def alert_csv(viewer: CurrentViewer, sort: str = "id") -> Response:
    with viewer.transaction() as conn:
        found = alerts.alert_page(conn, viewer.principal, Slice(sort)).items
    return csv_response("deconfliction.csv", list_exports.ALERT_HEADER,
                        list_exports.alert_rows(found))


@router.post("/operations", include_in_schema=False)
def create(viewer: CurrentViewer, name: Annotated[str, Form()],
           themes: Annotated[list[str] | None, Form()] = None,
           description: Annotated[str, Form()] = "",
           confidential: Annotated[bool, Form()] = False) -> RedirectResponse:
    with viewer.transaction() as conn:
        op_id = service.create(conn, viewer.principal, name, themes=themes or [],
                               description=description or None, confidential=confidential)
    return back(op_id)


@router.get("/operations/{operation_id}", include_in_schema=False)
def operation_page(request: Request, viewer: CurrentViewer, operation_id: int,
                   held_note: int | None = None) -> HTMLResponse:
    with viewer.transaction() as conn:
        try:
            detail = service.show(conn, viewer.principal, operation_id)
        except NotFound:
            # An invitation shows only what the invitation said; anything else is missing,
            # with the very words of a missing operation.
            invitation = next((o for o in service.list_operations(conn, viewer.principal)
                               if o.id == operation_id and o.your_state == "invited"), None)
            if invitation is None:
                raise
            return render(request, viewer, "operation_invited.html", {"o": invitation})
        timeline = service.timeline(conn, viewer.principal, operation_id)
        own_alerts = alerts.alert_page(conn, viewer.principal,
                                       operation_id=operation_id).items
        waiting = held.held_for(conn, viewer.principal, operation_id)
        orgs = [o.name for o in partners.list_organisations(conn)
                if o.name not in {m.organisation for m in detail.members
                                  if m.state in ("invited", "joined")}]
    me = detail.summary
    return render(request, viewer, "operation.html", {
        "d": detail, "o": me, "timeline": timeline, "alerts": own_alerts, "orgs": orgs,
        "held": waiting, "held_note": held_note, "months": Settings().deconfliction_months,
        "expiry": min((t.expires_at for t in detail.targets), default=None),
        "lead": me.your_role == MemberRole.LEAD and viewer.can("operations:manage"),
        "writer": me.your_role != MemberRole.OBSERVER and me.status != Status.CLOSED,
        "statuses": [s.value for s in Status], "actions": ACTIONS, "outcomes": OUTCOMES,
        "countries": sorted({m.country for m in detail.members
                             if m.state == "joined" and m.country}),
        "assignees": [m.organisation for m in detail.members
                      if m.state == "joined" and m.role != MemberRole.OBSERVER]})


@router.post("/operations/{operation_id}/invite", include_in_schema=False)
def invite(viewer: CurrentViewer, operation_id: int, organisation: Annotated[str, Form()],
           role: Annotated[str, Form()] = "participant") -> RedirectResponse:
    with viewer.transaction() as conn:
        service.invite(conn, viewer.principal, operation_id, organisation, role)
    return back(operation_id, "#members")


@router.post("/operations/{operation_id}/answer", include_in_schema=False)
def answer(viewer: CurrentViewer, operation_id: int,
           decision: Annotated[str, Form()]) -> RedirectResponse:
    with viewer.transaction() as conn:
        if decision == "join":
            service.join(conn, viewer.principal, operation_id)
        else:
            service.decline(conn, viewer.principal, operation_id)
    if decision == "join":
        return back(operation_id)
    return RedirectResponse("/operations", status_code=303)


@router.post("/operations/{operation_id}/remove", include_in_schema=False)
def remove(viewer: CurrentViewer, operation_id: int,
           organisation: Annotated[str, Form()]) -> RedirectResponse:
    with viewer.transaction() as conn:
        service.remove(conn, viewer.principal, operation_id, organisation)
    return back(operation_id, "#members")


@router.post("/operations/{operation_id}/status", include_in_schema=False)
def set_status(viewer: CurrentViewer, operation_id: int,
               status: Annotated[str, Form()]) -> RedirectResponse:
    with viewer.transaction() as conn:
        service.set_status(conn, viewer.principal, operation_id, status)
    return back(operation_id)


@router.post("/operations/{operation_id}/embargo", include_in_schema=False)
def embargo(viewer: CurrentViewer, operation_id: int,
            until: Annotated[str, Form()] = "") -> RedirectResponse:
    with viewer.transaction() as conn:
        work.set_embargo(conn, viewer.principal, operation_id, when(until, "embargo until"))
    return back(operation_id, "#plan")


@router.post("/operations/{operation_id}/renew", include_in_schema=False)
def renew(viewer: CurrentViewer, operation_id: int) -> RedirectResponse:
    with viewer.transaction() as conn:
        service.renew(conn, viewer.principal, operation_id, Settings().deconfliction_months)
    return back(operation_id, "#targets")


@router.post("/operations/{operation_id}/alerts/{number}", include_in_schema=False)
def alert(viewer: CurrentViewer, operation_id: int, number: str,
          action: Annotated[str, Form()], outcome: Annotated[str, Form()] = "",
          note: Annotated[str, Form()] = "") -> RedirectResponse:
    with viewer.transaction() as conn:
        if action == "reveal":
            alerts.reveal(conn, viewer.principal, operation_id, number)
        else:
            alerts.resolve(conn, viewer.principal, number, outcome, note or None)
    return back(operation_id, "#deconfliction")
