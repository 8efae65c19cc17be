"""Trends: what rises and falls in what the viewer may see, window against window."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from intelpool.analysis import figures
from intelpool.analysis.trends import TrendReport
from intelpool.errors import InvalidInput
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, render

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("Trends", "/trends", "analysis:run")]
CHARTED = 8  # the most significant trends drawn together
SPARKLINES = 6  # the busiest themes on the dashboard


def chart(report: TrendReport, limit: int = CHARTED) -> dict[str, Any]:
    """Lines of the counts per window for the most significant trends."""
    chosen = sorted(report.trends, key=lambda t: t.p_value)[:limit]
    return {"kind": "line", "categories": [w.split("..")[-1] for w in report.windows],
            "series": [{"name": f"{t.category}: {t.subject}", "data": t.counts}
                       for t in chosen]}


def spark(counts: list[int]) -> dict[str, Any]:
    return {"kind": "line", "spark": True, "categories": list(range(len(counts))),
            "series": [{"name": "", "data": counts}]}


@router.get("/trends", include_in_schema=False)
def trends(request: Request, viewer: CurrentViewer, theme: str = "", window: str = "4w",
           history: int = 3, until: str = "") -> HTMLResponse:
    report, error = None, None
    try:
        with viewer.transaction() as conn:
            report = figures.trends(conn, viewer.principal, theme=theme.strip() or None,
                                    window=window.strip(), history=history,
                                    until=until.strip() or None)
    except InvalidInput as exc:
        error = str(exc)
    return render(request, viewer, "trends.html", {
        "theme": theme, "window": window, "history": history, "until": until,
        "report": report, "error": error, "chart": chart(report) if report else None,
        "spark": spark}, status=422 if error else 200)


@router.get("/trends/themes", include_in_schema=False)
def theme_sparklines(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    """The dashboard's sparklines: the busiest themes of the last windows, loaded after it."""
    with viewer.transaction() as conn:
        report = figures.trends(conn, viewer.principal)
    themes = sorted((t for t in report.trends if t.category == "theme"),
                    key=lambda t: -sum(t.counts))[:SPARKLINES]
    return render(request, viewer, "trend_sparklines.html", {
        "report": report, "themes": themes, "spark": spark})
