"""Search: every observation of one selector the caller may see."""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel

from intelpool.api.deps import Conn, Reader
from intelpool.pool import reads
from intelpool.pool.views import ObservationView

router = APIRouter(tags=["search"])


class SearchResult(BaseModel):
    value: str
    results: list[ObservationView]


@router.get("/search")
def search(
    conn: Conn, caller: Reader,
    value: str = Query(..., description="Selector to look for; defanged is fine."),
    type: str | None = Query(None, description="Observable type, when detection would "
                                               "guess wrong."),
    limit: int = Query(1000, ge=1, le=1000, description="At most this many observations, "
                                                        "newest contribution first."),
) -> SearchResult:
    return SearchResult(value=value, results=reads.search(conn, caller, value, type,
                                                          limit=limit))
