"""Proposed networks, one network with its ranked targets, and the graph explorer.

Every call goes through the analysis service (``analysis:run``, audited, per viewer): a
network or selector the viewer may not see reads exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from intelpool.access import Permission, require
from intelpool.analysis import placement
from intelpool.analysis import service as analysis
from intelpool.errors import Forbidden, IntelpoolError, InvalidInput, NotFound
from intelpool.operations import service as operations
from intelpool.pool.themes import Theme
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, render
from intelpool.web.listing import Page, csv_response, page_number

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("Networks", "/networks", "analysis:run"),
       NavLink("Graph", "/graph", "analysis:run")]
MAX_NODES = 2000
PAGE = 100  # networks listed, largest first
_JSON_STATUS = ((NotFound, 404), (Forbidden, 403), (InvalidInput, 422))


@router.get("/networks", include_in_schema=False)
def network_list(request: Request, viewer: CurrentViewer, theme: str = "",
                 min_size: int = 3, page: int = 1) -> HTMLResponse:
    with viewer.transaction() as conn:
        found = analysis.networks(conn, viewer.principal, theme=theme or None,
                                  min_size=min_size, limit=PAGE,
                                  offset=(page_number(page) - 1) * PAGE)
    params = {"theme": theme, "min_size": min_size}
    return render(request, viewer, "networks.html", {
        "found": found, "theme": theme, "min_size": min_size, "params": params,
        "page": Page(found["networks"], found["total"], page, PAGE, ""),
        "themes": [t.value for t in Theme]})


@router.get("/networks.csv", include_in_schema=False)
def network_csv(viewer: CurrentViewer, theme: str = "", min_size: int = 3) -> Response:
    """Every network of the list, largest first. A network draws on many contributions and
    has no handling of its own: each one's strictest TLP is in its page's evidence."""
    with viewer.transaction() as conn:
        found = analysis.networks(conn, viewer.principal, theme=theme or None,
                                  min_size=min_size)
    rows = [[n["id"], n["size"], " ".join(n["themes"]), "; ".join(n["partners"]),
             f"{n['cohesion']:.2f}", " ".join(n["why"])] for n in found["networks"]]
    return csv_response("networks.csv", ["id", "size", "themes", "partners", "cohesion",
                                         "why"], rows)


@router.get("/networks/{network_id}", include_in_schema=False)
def network_page(request: Request, viewer: CurrentViewer, network_id: str) -> HTMLResponse:
    with viewer.transaction() as conn:
        network = analysis.network(conn, viewer.principal, network_id)
        ranked = analysis.targets(conn, viewer.principal, network_id=network_id, top=25)
    return render(request, viewer, "network.html", {"n": network,
                                                    "targets": ranked["targets"]})


@router.post("/networks/{network_id}/operation", include_in_schema=False)
def open_operation(viewer: CurrentViewer, network_id: str,
                   name: Annotated[str, Form()]) -> RedirectResponse:
    with viewer.transaction() as conn:
        op_id = operations.create(conn, viewer.principal, name, from_network=network_id)
    return RedirectResponse(f"/operations/{op_id}", status_code=303)


@router.get("/graph", include_in_schema=False)
def graph_page(request: Request, viewer: CurrentViewer, value: str = "", type: str = "",
               entity: str = "", network: str = "", depth: int = 1) -> HTMLResponse:
    require(viewer.principal, Permission.ANALYSIS_RUN)  # the page is useless without it
    return render(request, viewer, "graph.html", {
        "value": value, "type": type, "entity": entity, "network": network, "depth": depth})


@router.get("/graph.json", include_in_schema=False)
def graph_json(viewer: CurrentViewer, value: str = "", type: str = "", entity: str = "",
               network: str = "", depth: int = 1, limit: int = 300,
               place: bool = False) -> JSONResponse:
    """The neighbourhood as the explorer draws it (``place``: with positions, for the first
    drawing); errors as JSON with the service's words."""
    try:
        with viewer.transaction() as conn:
            if network:
                # A network is drawn around its first member (the best connected).
                first = analysis.network(conn, viewer.principal, network)["members"][0]
                value, type, depth = first["value"], first["type"], max(depth, 2)
            view: dict[str, Any] = analysis.graph(
                conn, viewer.principal, value or None, type_hint=type or None,
                entity=entity or None, depth=depth, limit=min(max(1, limit), MAX_NODES))
    except IntelpoolError as exc:
        code = next((c for kind, c in _JSON_STATUS if isinstance(exc, kind)), 400)
        return JSONResponse({"nodes": [], "edges": [], "error": str(exc)}, status_code=code)
    return JSONResponse(placement.place(view) if place else view)
