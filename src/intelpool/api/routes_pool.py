"""Pool endpoints: health and search (the API issue grows this)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from intelpool import __version__
from intelpool.api.deps import Caller, Conn
from intelpool.pool import reads
from intelpool.pool.views import to_dict

router = APIRouter()


@router.get("/health")
def health(conn: Conn) -> dict[str, Any]:
    conn.exec_driver_sql("SELECT 1")
    return {"status": "ok", "version": __version__, "store": conn.dialect.name}


@router.get("/search")
def search(
    conn: Conn,
    caller: Caller,
    value: str = Query(..., description="Selector to look for; defanged is fine."),
    type: str | None = Query(None, description="Observable type, when detection would "
                                               "guess wrong."),
) -> dict[str, Any]:
    results = reads.search(conn, caller, value, type)
    return {"value": value, "results": [to_dict(r) for r in results]}
