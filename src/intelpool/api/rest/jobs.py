"""Jobs: a submitter's organisation follows its background submissions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from pydantic import BaseModel

from intelpool.api.deps import Conn, Reader
from intelpool.jobs import service
from intelpool.pool.views import to_dict

router = APIRouter(tags=["jobs"])


class QueuedJob(BaseModel):
    """Work queued as a background job: follow it at /jobs/{job}."""

    job: int
    state: str


@router.get("/jobs")
def list_jobs(conn: Conn, caller: Reader,
              limit: int = Query(50, ge=1, le=1000)) -> dict[str, Any]:
    return {"jobs": [to_dict(j) for j in service.list_jobs(conn, caller, limit)]}


@router.get("/jobs/{job_id}")
def show_job(conn: Conn, caller: Reader, job_id: Annotated[int, PathParam(ge=1, le=2**62)],
             rejections: int = Query(100, ge=0, le=100_000,
                                     description="How many rejections to list.")
             ) -> dict[str, Any]:
    return to_dict(service.show(conn, caller, job_id, rejections))
