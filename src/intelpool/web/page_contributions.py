"""Contributions: the list with filters, and one contribution with its content, page by page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from intelpool.access.handling import TLP
from intelpool.pool import browse, reads
from intelpool.pool.themes import Theme
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, render
from intelpool.web.listing import (
    HANDLING_COLUMNS,
    PER_PAGE,
    Page,
    csv_response,
    handling_cells,
    page_number,
)

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("Contributions", "/contributions", "pool:read")]
CSV_LIMIT = 10_000


def _filter(tlp: str, theme: str, format: str, mine: bool, text: str
            ) -> browse.ContributionFilter:
    return browse.ContributionFilter(tlp=tlp or None, theme=theme or None,
                                     format=format or None, mine=mine, text=text or None)


@router.get("/contributions", include_in_schema=False)
def contributions(request: Request, viewer: CurrentViewer, tlp: str = "", theme: str = "",
                  format: str = "", mine: bool = False, text: str = "", sort: str = "-id",
                  page: int = 1) -> HTMLResponse:
    flt = _filter(tlp, theme, format, mine, text)
    with viewer.transaction() as conn:
        items, total = browse.list_contributions(
            conn, viewer.principal, flt, sort=sort, limit=PER_PAGE,
            offset=(page_number(page) - 1) * PER_PAGE)
    params: dict[str, Any] = {"tlp": tlp, "theme": theme, "format": format, "mine": mine,
                              "text": text, "sort": sort}
    return render(request, viewer, "contributions.html", {
        "page": Page(items, total, page, PER_PAGE, sort), "params": params,
        "tlps": [t.value for t in TLP], "themes": [t.value for t in Theme]})


@router.get("/contributions.csv", include_in_schema=False)
def contributions_csv(viewer: CurrentViewer, tlp: str = "", theme: str = "",
                      format: str = "", mine: bool = False, text: str = "",
                      sort: str = "-id") -> Response:
    with viewer.transaction() as conn:
        items, _ = browse.list_contributions(conn, viewer.principal,
                                             _filter(tlp, theme, format, mine, text),
                                             sort=sort, limit=CSV_LIMIT)
    header = ["id", "originator", "received_at", "title", "format", *HANDLING_COLUMNS,
              "eval_scheme", "reliability", "credibility", "themes", "accepted", "rejected"]
    rows = [[c.id, c.originator, c.received_at.isoformat(), c.title or c.source_name or "",
             c.format, *handling_cells(c.handling),
             c.evaluation.scheme if c.evaluation else "",
             (c.evaluation.reliability or "") if c.evaluation else "",
             (c.evaluation.credibility or "") if c.evaluation else "",
             " ".join(c.themes), c.accepted, c.rejected] for c in items]
    return csv_response("contributions.csv", header, rows)


@router.get("/contributions/{contribution_id}", include_in_schema=False)
def contribution(request: Request, viewer: CurrentViewer, contribution_id: int,
                 page: int = 1) -> HTMLResponse:
    offset = (page_number(page) - 1) * PER_PAGE
    with viewer.transaction() as conn:
        detail = reads.show_contribution(conn, viewer.principal, contribution_id, limit=0)
        observations = browse.contribution_observations(
            conn, viewer.principal, contribution_id, limit=PER_PAGE, offset=offset)
        entities = browse.contribution_entities(conn, viewer.principal, contribution_id)
        relationships = browse.contribution_relationships(conn, viewer.principal,
                                                          contribution_id)
    return render(request, viewer, "contribution.html", {
        "detail": detail, "c": detail.contribution, "observations": observations,
        "page": Page(observations, detail.observation_count, page, PER_PAGE, "id"),
        "params": {}, "entities": entities, "relationships": relationships})
