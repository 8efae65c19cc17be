"""Search (one selector or a pasted list, defanged is fine) and the selector page."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.errors import InvalidInput
from intelpool.matching import deconflict, hits, scoring
from intelpool.matching.hits import HitView
from intelpool.pool import reads
from intelpool.pool.views import ObservationView
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, is_htmx, render
from intelpool.web.listing import HANDLING_COLUMNS, csv_response, handling_cells

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("Search", "/search", "pool:read")]
MAX_VALUES = 500


@dataclass(slots=True)
class HiddenHolder:
    """A partner holds data the viewer may not see: hit/no-hit, with a request where a hit is."""

    partner: str
    kind: str
    themes: list[str]
    last_received: str
    hit_id: int | None


@dataclass(slots=True)
class Line:
    input: str
    selector: str | None = None
    error: str | None = None
    warning: str | None = None
    observations: list[ObservationView] = field(default_factory=list)
    hidden: list[HiddenHolder] = field(default_factory=list)


def _lookup(conn: Connection, me: Principal, values: list[str],
            known_hits: list[HitView] | None = None) -> list[Line]:
    held = deconflict.deconflict(conn, me, values)
    # A request is made on a hit: the viewer's own holding matched the partner's. Hits are
    # read only when some partner holds data the viewer may not see.
    hidden_somewhere = any(not h.visible for found in held for h in found.holders)
    if hidden_somewhere and known_hits is None:
        mine = tuple(found.selector for found in held if found.selector)
        known_hits = hits.hit_page(conn, me, hits.HitFilter(selectors=mine)).items
    requestable = {h.selector: h.id for h in known_hits or [] if not h.partner_visible}
    lines = []
    for value, found in zip(values, held, strict=True):
        line = Line(value, found.selector, found.error, found.warning)
        if found.selector is not None:
            try:
                line.observations = reads.search(conn, me, value)
            except InvalidInput as exc:
                line.error = str(exc)
        line.hidden = [HiddenHolder(h.partner, h.kind, h.themes,
                                    h.last_received.strftime("%Y-%m-%d")
                                    if h.last_received else "",
                                    requestable.get(found.selector or ""))
                       for h in found.holders if not h.visible]
        lines.append(line)
    return lines


def _values(q: str) -> list[str]:
    values = list(dict.fromkeys(v.strip() for v in q.splitlines() if v.strip()))
    if len(values) > MAX_VALUES:
        raise InvalidInput(f"{len(values):,} values: search at most {MAX_VALUES} at a time")
    return values


@router.get("/search", include_in_schema=False)
def search(request: Request, viewer: CurrentViewer, q: str = "") -> HTMLResponse:
    values = _values(q)
    lines: list[Line] = []
    if values:
        with viewer.transaction() as conn:
            lines = _lookup(conn, viewer.principal, values)
    template = "search_results.html" if is_htmx(request) else "search.html"
    return render(request, viewer, template, {"q": q, "lines": lines})


@router.get("/search.csv", include_in_schema=False)
def search_csv(viewer: CurrentViewer, q: str = "") -> Response:
    values = _values(q)
    with viewer.transaction() as conn:
        lines = _lookup(conn, viewer.principal, values) if values else []
    rows = [[line.input, o.type, o.value, o.contribution_id, o.originator, o.role or "",
             o.first_seen or "", o.last_seen or "", *handling_cells(o.handling),
             o.evaluation.scheme if o.evaluation else "",
             (o.evaluation.reliability or "") if o.evaluation else "",
             (o.evaluation.credibility or "") if o.evaluation else "",
             " ".join(o.themes), o.warning or ""]
            for line in lines for o in line.observations]
    header = ["input", "type", "value", "contribution", "originator", "role", "first_seen",
              "last_seen", *HANDLING_COLUMNS, "eval_scheme", "reliability", "credibility",
              "themes", "warninglist"]
    return csv_response("search.csv", header, rows)


@router.get("/selector", include_in_schema=False)
def selector(request: Request, viewer: CurrentViewer, value: str,
             type: str | None = None) -> HTMLResponse:
    me = viewer.principal
    with viewer.transaction() as conn:
        observations = reads.search(conn, me, value, type)
        score = scoring.score(conn, me, value, type)
        all_hits = hits.hit_page(conn, me, hits.HitFilter(selectors=(score.selector,))).items
        line = _lookup(conn, me, [score.selector.split(" ", 1)[1]], all_hits)[0]
        my_hits = [h for h in all_hits if h.selector == score.selector]
    # Detection without the type may read the value as another type: then no holders.
    hidden = line.hidden if line.selector == score.selector else []
    return render(request, viewer, "selector.html", {
        "value": value, "selector": score.selector, "observations": observations,
        "score": score, "hidden": hidden, "hits": my_hits})
