"""Search: every observation of one selector the caller may see."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy import Engine

from intelpool.access import Principal
from intelpool.api.deps import AppEngine, Reader
from intelpool.api.responses import FastJSONResponse
from intelpool.db.engine import one_read
from intelpool.pool import reads
from intelpool.pool.views import ObservationView

router = APIRouter(tags=["search"])


class SearchResult(BaseModel):
    value: str
    results: list[ObservationView]


@router.get("/search", response_model=SearchResult)
async def search(
    caller: Reader, engine: AppEngine,
    value: str = Query(..., description="Selector to look for; defanged is fine."),
    type: str | None = Query(None, description="Observable type, when detection would "
                                               "guess wrong."),
    limit: int = Query(1000, ge=1, le=1000, description="At most this many observations, "
                                                        "newest contribution first."),
) -> FastJSONResponse:
    # One trip to a worker thread for the connection and the search (a connection
    # dependency and a plain route would take three).
    results = await run_in_threadpool(_search, engine, caller, value, type, limit)
    return FastJSONResponse({"value": value, "results": results})


def _search(engine: Engine, caller: Principal, value: str, type: str | None,
            limit: int) -> list[ObservationView]:
    with one_read(engine) as conn:
        return reads.search(conn, caller, value, type, limit=limit)
