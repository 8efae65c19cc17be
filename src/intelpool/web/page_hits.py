"""The hits inbox (filter, bulk access requests) and access requests (grant or deny)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from intelpool.db.sorting import Listed, Slice
from intelpool.errors import InvalidInput
from intelpool.matching import access_requests, hits
from intelpool.partners import seen
from intelpool.web import list_exports
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, is_htmx, render
from intelpool.web.listing import as_page, csv_response, window

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("Hits", "/hits", "pool:read"),
       NavLink("Access requests", "/access-requests", "pool:read")]
KINDS = ["exact", "cidr", "url-host", "email-domain", "subdomain"]


def _filter(kind: str, access: str, text: str) -> hits.HitFilter:
    return hits.HitFilter(kind=kind or None, access=access or None, text=text or None)


@router.get("/hits", include_in_schema=False)
def hit_list(request: Request, viewer: CurrentViewer, kind: str = "", access: str = "",
             text: str = "", sort: str = "-last", page: int = 1) -> HTMLResponse:
    with viewer.transaction() as conn:
        found = hits.hit_page(conn, viewer.principal, _filter(kind, access, text),
                              window(page, sort))
        if not is_htmx(request):  # the full page shows the hits: seen now
            seen.mark_seen(conn, viewer.principal, hits=True)
    params = {"kind": kind, "access": access, "text": text, "sort": sort}
    return render(request, viewer, "hits.html", {
        "page": as_page(found, page, sort), "params": params, "kinds": KINDS})


@router.get("/hits.csv", include_in_schema=False)
def hit_csv(viewer: CurrentViewer, kind: str = "", access: str = "", text: str = "",
            sort: str = "-last") -> Response:
    with viewer.transaction() as conn:
        found = hits.hit_page(conn, viewer.principal, _filter(kind, access, text),
                              Slice(sort)).items
        rows = list_exports.hit_rows(conn, viewer.principal, found)
    return csv_response("hits.csv", list_exports.HIT_HEADER, rows)


@router.post("/hits/request", include_in_schema=False)
def request_access(request: Request, viewer: CurrentViewer,
                   hit: Annotated[list[int], Form()],
                   reason: Annotated[str, Form()] = "") -> HTMLResponse:
    if not hit:
        raise InvalidInput("select at least one hit to ask for access")
    with viewer.transaction() as conn:
        made = [access_requests.request_access(conn, viewer.principal, h, reason)
                for h in dict.fromkeys(hit)]
    if is_htmx(request):
        return render(request, viewer, "requested.html", {"made": made})
    return render(request, viewer, "requested_page.html", {"made": made})


@router.get("/access-requests", include_in_schema=False)
def request_list(request: Request, viewer: CurrentViewer, status: str = "",
                 sort: str = "-id", page: int = 1) -> HTMLResponse:
    with viewer.transaction() as conn:
        found = access_requests.request_page(conn, viewer.principal, status=status or None,
                                             part=window(page, sort))
    mine = viewer.principal.organisation_name
    params = {"status": status, "sort": sort}
    return render(request, viewer, "access_requests.html", {
        "page": as_page(found, page, sort), "params": params, "mine": mine})


@router.get("/access-requests.csv", include_in_schema=False)
def request_csv(viewer: CurrentViewer, status: str = "", sort: str = "-id") -> Response:
    with viewer.transaction() as conn:
        found = access_requests.request_page(conn, viewer.principal, status=status or None,
                                             part=Slice(sort)).items
        rows = list_exports.request_rows(conn, viewer.principal, found)
    return csv_response("access-requests.csv", list_exports.REQUEST_HEADER, rows)


@router.post("/access-requests/{request_id}/decide", include_in_schema=False)
def decide(request: Request, viewer: CurrentViewer, request_id: int,
           decision: Annotated[str, Form()], note: Annotated[str, Form()] = "") -> HTMLResponse:
    if decision not in ("grant", "deny"):
        raise InvalidInput("decide with grant or deny")
    with viewer.transaction() as conn:
        decided = access_requests.decide(conn, viewer.principal, request_id,
                                         grant=decision == "grant", note=note or None)
    context = {"r": decided, "mine": viewer.principal.organisation_name}
    if is_htmx(request):
        return render(request, viewer, "access_request_row.html", context)
    return render(request, viewer, "access_requests.html", {
        "page": as_page(Listed([decided], 1), 1, "-id"), "params": {"sort": "-id"},
        "mine": context["mine"]})
