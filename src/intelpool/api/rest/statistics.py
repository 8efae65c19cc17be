"""Statistics, trends and threat reports over what the caller may see."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from intelpool.analysis import figures
from intelpool.analysis.trends import TrendReport
from intelpool.api.deps import AppSettings, Conn, Reader
from intelpool.api.downloads import spooled_download

router = APIRouter(tags=["statistics"])

_Day = Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD.")]


class StatisticsTable(BaseModel):
    """As `intelpool stats --json` prints it: one row per key; a suppressed cell is null."""

    scope: str
    dimensions: list[str]
    period: str
    measures: list[str]
    rows: list[dict[str, str | int | None]]
    rules: dict[str, int] | None
    note: str
    notes: list[str] = []


@router.get("/statistics")
def statistics(conn: Conn, caller: Reader, settings: AppSettings,
               by: Annotated[list[str] | None, Query(description=(
                   "One or two of theme, type, month, quarter, week, partner-kind, country, "
                   "originator; repeat."))] = None,
               since: _Day = None, until: _Day = None,
               scope: Annotated[Literal["visible", "partnership"], Query(description=(
                   "visible: exact counts of what you may see; partnership: pool-wide "
                   "counts under disclosure control."))] = "visible") -> StatisticsTable:
    """Counts of contributions, observations, selectors, hits and access requests."""
    table = figures.statistics(conn, caller, by=by, since=since, until=until, scope=scope,
                               settings=settings)
    return StatisticsTable.model_validate(table.to_json())


@router.get("/trends")
def trends(conn: Conn, caller: Reader,
           theme: Annotated[str | None, Query(max_length=64, description=(
               "Only contributions of this theme."))] = None,
           window: Annotated[str, Query(max_length=16, description=(
               "Window length: days, weeks or months, e.g. 4w, 3m, 10d."))] = "4w",
           history: Annotated[int, Query(ge=1, le=24, description=(
               "How many windows before the last one form the baseline."))] = 3,
           until: _Day = None) -> TrendReport:
    """Rising and falling themes, families, actors and infrastructure, with an exact test."""
    return figures.trends(conn, caller, theme=theme, window=window, history=history,
                          until=until)


_MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
_FILE = {200: {"description": "The report (Content-Disposition: attachment).",
               "content": {"text/html": {"schema": {"type": "string"}},
                           "application/pdf": {"schema": {"type": "string",
                                                          "format": "binary"}}}}}


@router.get("/reports", response_class=StreamingResponse,
            responses=_FILE)  # type: ignore[arg-type]
def report(conn: Conn, caller: Reader, settings: AppSettings,
           period: Annotated[str, Query(min_length=1, max_length=40, description=(
               "2024-Q2, 2024-05 or 2024-04-01..2024-06-30 (both days included)."))],
           theme: Annotated[list[str] | None, Query(description=(
               "Only these themes; repeat."))] = None,
           format: Annotated[Literal["html", "pdf"], Query(description=(
               "html (one self-contained file) or pdf."))] = "html") -> StreamingResponse:
    """A threat assessment of what you may see, as `intelpool report` writes it."""
    from intelpool.analysis.report.render import write

    made = figures.report(conn, caller, period=period, themes=theme, settings=settings)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    # Rendered here, inside the request's transaction: the audit record stands only if the
    # report was made.
    return spooled_download(
        partial(write, made, format), filename=f"intelpool-report-{stamp}.{format}",
        media_type=_MEDIA[format], headers={"X-Intelpool-TLP": made.tlp},
        directory=settings.api_upload_dir)
