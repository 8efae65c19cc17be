"""Hits: selectors of yours that partners hold too, and widespread selectors."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query

from intelpool.api.deps import Conn, Reader
from intelpool.api.paging import CursorParam, LimitParam, Page, offset_page
from intelpool.matching import hits
from intelpool.matching.hits import HitView, WidespreadView

router = APIRouter(tags=["hits"])

_SINCE = Query(None, description="Only those recorded or refreshed since this time (UTC).")


@router.get("/hits")
def list_hits(conn: Conn, caller: Reader, since: datetime | None = _SINCE,
              limit: LimitParam = 100, cursor: CursorParam = None) -> Page[HitView]:
    """Hits of your organisation, newest first (hit/no-hit where you may not see theirs)."""
    return offset_page(lambda n, offset: hits.list_hits(conn, caller, since=since, limit=n,
                                                        offset=offset).hits, limit, cursor)


@router.get("/hits/widespread")
def widespread(conn: Conn, caller: Reader,
               since: datetime | None = _SINCE) -> list[WidespreadView]:
    """Selectors of yours held by so many organisations that they are reported once."""
    return hits.widespread_selectors(conn, caller, since)
