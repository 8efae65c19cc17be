"""Health of the server and its store."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from intelpool import __version__
from intelpool.api.deps import Conn
from intelpool.api.guard import public

router = APIRouter(tags=["system"])


class Health(BaseModel):
    status: str
    version: str
    store: str


@router.get("/health", dependencies=[public()])
def health(conn: Conn) -> Health:
    conn.exec_driver_sql("SELECT 1")
    return Health(status="ok", version=__version__, store=conn.dialect.name)
