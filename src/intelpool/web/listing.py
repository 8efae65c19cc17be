"""Paging, sorting and CSV export of lists, decided on the server."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import Response

from intelpool.errors import InvalidInput
from intelpool.pool.views import HandlingView

T = TypeVar("T")
PER_PAGE = 50
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


def paginate(items: Sequence[T], page: int, sort: str,
             keys: dict[str, Callable[[T], Any]], per_page: int = PER_PAGE) -> Page[T]:
    """One page of ``items`` sorted by ``sort`` (a key name, '-' first for descending)."""
    key = sort.removeprefix("-")
    if key not in keys:
        raise InvalidInput(f"cannot sort by {key!r}: use {', '.join(keys)}")
    ordered = sorted(items, key=lambda item: _sortable(keys[key](item)),
                     reverse=sort.startswith("-"))
    start = (page_number(page) - 1) * per_page
    return Page(ordered[start:start + per_page], len(items), page, per_page, sort)


def _sortable(value: Any) -> tuple[int, Any]:
    return (0, "") if value is None else (1, value)


def handling_cells(handling: HandlingView) -> list[str]:
    return [handling.tlp, handling.pap, " ".join(handling.codes), handling.h3_text or "",
            "; ".join(handling.audience), "yes" if handling.anonymous else "no"]


def csv_response(filename: str, header: list[str], rows: Iterable[list[Any]]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow(["'" + c if isinstance(c, str) and c[:1] in "=+-@\t\r" else c
                         for c in row])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
