"""Threat reports: the same assessment as ``intelpool report``, downloaded as HTML or PDF."""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from intelpool.analysis import figures
from intelpool.api.downloads import spooled_download
from intelpool.errors import InvalidInput
from intelpool.pool.themes import Theme
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, render

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("Reports", "/reports", "analysis:run")]
FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def _form(request: Request, viewer: CurrentViewer, period: str = "",
          chosen: list[str] | None = None, fmt: str = "pdf",
          error: str | None = None) -> HTMLResponse:
    return render(request, viewer, "reports.html", {
        "period": period, "chosen": chosen or [], "format": fmt, "formats": list(FORMATS),
        "themes": [t.value for t in Theme], "error": error}, status=422 if error else 200)


@router.get("/reports", include_in_schema=False)
def reports(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    return _form(request, viewer)


def _made(viewer: CurrentViewer, period: str, themes: list[str], fmt: str,
          name: str) -> StreamingResponse:
    from intelpool.analysis.report.render import write

    if fmt not in FORMATS:
        raise InvalidInput(f"unknown report format {fmt!r}: use html or pdf")
    # Rendering inside the transaction: the audit record stands only if the report was made.
    with viewer.transaction() as conn:
        made = figures.report(conn, viewer.principal, period=period, themes=themes)
        return spooled_download(partial(write, made, fmt), filename=name,
                                media_type=FORMATS[fmt], headers={"X-Intelpool-TLP": made.tlp})


@router.post("/reports", include_in_schema=False, response_model=None)
async def download(request: Request, viewer: CurrentViewer,
                   period: Annotated[str, Form()] = "",
                   theme: Annotated[list[str] | None, Form()] = None,
                   format: Annotated[str, Form()] = "pdf") -> Response:
    themes = theme or []
    name = "report-" + re.sub(r"[^A-Za-z0-9.-]+", "_", period.strip())[:40] + f".{format}"
    try:
        if not period.strip():
            raise InvalidInput("no period: give 2024-Q2, 2024-05 or 2024-04-01..2024-06-30")
        return await run_in_threadpool(_made, viewer, period, themes, format, name)
    except InvalidInput as exc:
        return _form(request, viewer, period, themes, format, str(exc))
