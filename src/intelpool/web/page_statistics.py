"""Statistics: counts by one or two dimensions, a chart of them and the table as CSV."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from intelpool.analysis import figures
from intelpool.analysis.dimensions import DIMENSIONS, PARTNERSHIP_DIMENSIONS
from intelpool.analysis.statistics import StatsTable
from intelpool.errors import InvalidInput
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, render
from intelpool.web.listing import csv_response

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("Statistics", "/statistics", "analysis:run")]
SUPPRESSED = "suppressed"
TOTAL = "(total)"


@dataclass(frozen=True, slots=True)
class Asked:
    by: list[str]
    since: str | None
    until: str | None
    scope: str


def _asked(by: list[str] | None, since: str, until: str, scope: str) -> Asked:
    return Asked([b for b in by or [] if b.strip()], since.strip() or None,
                 until.strip() or None, scope)


def _compute(viewer: CurrentViewer, asked: Asked) -> StatsTable:
    with viewer.transaction() as conn:
        return figures.statistics(conn, viewer.principal, by=asked.by, since=asked.since,
                                  until=asked.until, scope=asked.scope)


def _header(table: StatsTable) -> list[str]:
    return [*(table.dimensions or ["all"]), *table.measures]


def _cells(table: StatsTable) -> list[list[str]]:
    return [[*key, *(SUPPRESSED if row[m] is None else str(row[m]) for m in table.measures)]
            for key, row in table.ordered()]


def _chart(table: StatsTable) -> dict[str, Any]:
    """Bars per measure over the rows that are not margins; a suppressed cell is a gap."""
    rows = [(key, row) for key, row in table.ordered() if TOTAL not in key or not
            table.dimensions]
    return {"kind": "bar", "categories": [" / ".join(key) for key, _ in rows],
            "series": [{"name": m, "data": [row[m] for _, row in rows]}
                       for m in table.measures]}


Dimensions = Annotated[list[str] | None, Query()]


@router.get("/statistics", include_in_schema=False)
def statistics(request: Request, viewer: CurrentViewer, by: Dimensions = None,
               since: str = "", until: str = "", scope: str = "visible") -> HTMLResponse:
    asked = _asked(by, since, until, scope)
    table, error = None, None
    try:
        table = _compute(viewer, asked)
    except InvalidInput as exc:
        error = str(exc)
    context = {"asked": asked, "dimensions": DIMENSIONS,
               "partnership_dimensions": PARTNERSHIP_DIMENSIONS, "scopes": figures.SCOPES,
               "error": error, "table": table,
               "header": _header(table) if table else [], "cells": _cells(table) if table
               else [], "rules": table.rules_text if table else "",
               "chart": _chart(table) if table else None,
               "query": request.url.query}
    return render(request, viewer, "statistics.html", context, status=422 if error else 200)


@router.get("/statistics.csv", include_in_schema=False)
def statistics_csv(viewer: CurrentViewer, by: Dimensions = None, since: str = "",
                   until: str = "", scope: str = "visible") -> Response:
    table = _compute(viewer, _asked(by, since, until, scope))
    rows = _cells(table)
    rows += [[f"# {note}"] for note in table.notes]
    if table.rules:
        rows.append([f"# {table.rules_text}"])
    return csv_response(f"statistics-{table.scope}.csv", _header(table), rows)
