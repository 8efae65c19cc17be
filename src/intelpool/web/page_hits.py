"""The hits inbox (filter, bulk access requests) and access requests (grant or deny)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from intelpool.errors import InvalidInput
from intelpool.matching import access_requests, hits
from intelpool.matching.hits import HitView
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, is_htmx, render
from intelpool.web.listing import csv_response, paginate

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("Hits", "/hits", "pool:read"),
       NavLink("Access requests", "/access-requests", "pool:read")]
HIT_SORTS: dict[str, Any] = {
    "last": lambda h: h.last_at, "first": lambda h: h.first_at, "selector": lambda h: h.selector,
    "partner": lambda h: h.partner, "kind": lambda h: h.kind, "id": lambda h: h.id}
REQUEST_SORTS: dict[str, Any] = {
    "id": lambda r: r.id, "status": lambda r: r.status, "created": lambda r: r.created_at,
    "requester": lambda r: r.requester, "holder": lambda r: r.holder}


def _hits(viewer: Any, kind: str, access: str, text: str) -> list[HitView]:
    with viewer.transaction() as conn:
        found = hits.list_hits(conn, viewer.principal).hits
    return [h for h in found if (not kind or h.kind == kind)
            and (access != "visible" or h.partner_visible)
            and (access != "hidden" or not h.partner_visible)
            and (not text or text.lower() in h.selector.lower())]


@router.get("/hits", include_in_schema=False)
def hit_list(request: Request, viewer: CurrentViewer, kind: str = "", access: str = "",
             text: str = "", sort: str = "-last", page: int = 1) -> HTMLResponse:
    found = _hits(viewer, kind, access, text)
    params = {"kind": kind, "access": access, "text": text, "sort": sort}
    return render(request, viewer, "hits.html", {
        "page": paginate(found, page, sort, HIT_SORTS), "params": params,
        "kinds": ["exact", "cidr", "url-host", "email-domain", "subdomain"]})


@router.get("/hits.csv", include_in_schema=False)
def hit_csv(viewer: CurrentViewer, kind: str = "", access: str = "", text: str = "") -> Response:
    rows = [[h.id, h.kind, h.selector, h.contribution_id, h.partner,
             "yes" if h.partner_visible else "no", h.partner_selector or "",
             " ".join(map(str, h.partner_contributions)), " ".join(h.partner_themes),
             h.first_at.isoformat(), h.last_at.isoformat()]
            for h in _hits(viewer, kind, access, text)]
    return csv_response("hits.csv", ["id", "kind", "selector", "my_contribution", "partner",
                                     "partner_visible", "partner_selector",
                                     "partner_contributions", "partner_themes", "first_at",
                                     "last_at"], rows)


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
        found = access_requests.list_requests(conn, viewer.principal, status=status or None)
    mine = viewer.principal.organisation_name
    params = {"status": status, "sort": sort}
    return render(request, viewer, "access_requests.html", {
        "page": paginate(found, page, sort, REQUEST_SORTS), "params": params, "mine": mine})


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
        "page": paginate([decided], 1, "-id", REQUEST_SORTS), "params": {"sort": "-id"},
        "mine": context["mine"]})
