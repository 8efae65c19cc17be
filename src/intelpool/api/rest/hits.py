"""Hits: selectors of yours that partners hold too, and widespread selectors."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query

from intelpool.api.deps import Conn, Reader
from intelpool.api.paging import (
    CursorParam,
    LimitParam,
    Page,
    offset_page,
    sort_param,
    sort_query,
)
from intelpool.db.sorting import Slice
from intelpool.matching import hits
from intelpool.matching.hits import HitView, WidespreadView

router = APIRouter(tags=["hits"])

_SINCE = Query(None, description="Only those recorded or refreshed since this time (UTC).")


@router.get("/hits")
def list_hits(conn: Conn, caller: Reader, since: datetime | None = _SINCE,
              sort: str = sort_query(hits.HIT_SORTS, "-last"), limit: LimitParam = 100,
              cursor: CursorParam = None) -> Page[HitView]:
    """Hits of your organisation, newest first (hit/no-hit where you may not see theirs)."""
    sort = sort_param(sort, hits.HIT_SORTS, "hits")
    return offset_page(lambda n, offset: hits.hit_page(
        conn, caller, hits.HitFilter(since=since), Slice(sort, n, offset)).items, limit, cursor)


@router.get("/hits/widespread")
def widespread(conn: Conn, caller: Reader,
               since: datetime | None = _SINCE) -> list[WidespreadView]:
    """Selectors of yours held by so many organisations that they are reported once."""
    return hits.widespread_selectors(conn, caller, since)
