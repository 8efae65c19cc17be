"""Paging, sorting and CSV export of lists: the services sort and page in SQL; this turns a
page number into the slice they read, and rows into CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import Response

from intelpool.db.sorting import Listed, Slice
from intelpool.errors import InvalidInput
from intelpool.pool.views import HandlingView

T = TypeVar("T")
PER_PAGE = 50
_FORMULA_STARTS = frozenset("=+-@\t\r")
HANDLING_COLUMNS = ["tlp", "pap", "handling_codes", "h3", "audience", "anonymous"]


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int
    sort: str

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def page_number(page: int) -> int:
    if page < 1:
        raise InvalidInput(f"page {page} does not exist: pages start at 1")
    return page


def window(page: int, sort: str, per_page: int = PER_PAGE) -> Slice:
    """The slice of a list one page shows, for the service to read in SQL."""
    return Slice(sort, per_page, (page_number(page) - 1) * per_page)


def as_page(found: Listed[T], page: int, sort: str, per_page: int = PER_PAGE) -> Page[T]:
    return Page(found.items, found.total, page, per_page, sort)


def handling_cells(handling: HandlingView | None) -> list[str]:
    """The handling columns; empty where the viewer may not see the contribution."""
    if handling is None:
        return [""] * len(HANDLING_COLUMNS)
    return [handling.tlp, handling.pap, " ".join(handling.codes), handling.h3_text or "",
            "; ".join(handling.audience), "yes" if handling.anonymous else "no"]


def csv_response(filename: str, header: list[str], rows: Iterable[list[Any]]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_inert(c) for c in row])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _inert(cell: Any) -> Any:
    # A cell starting with = + - @ (or a tab or carriage return) would run as a formula in
    # a spreadsheet: a leading apostrophe keeps it text. Empty cells stay empty.
    return "'" + cell if isinstance(cell, str) and cell[:1] in _FORMULA_STARTS else cell
