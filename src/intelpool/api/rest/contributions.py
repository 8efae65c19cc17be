"""Contributions: submit a file (multipart or raw body), list and show what you may see."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy import Engine

from intelpool.access import Principal
from intelpool.access.handling import HandlingRequest
from intelpool.api.deps import AppEngine, AppSettings, Conn, Reader, Submitter
from intelpool.api.paging import CursorParam, LimitParam, Page, keyset_page
from intelpool.api.rest.jobs import QueuedJob
from intelpool.api.uploads import FILE_BODY, spool
from intelpool.config import Settings
from intelpool.errors import InvalidInput
from intelpool.formats.records import ImportOptions, Rejection
from intelpool.jobs import service as jobs
from intelpool.pool import ingest, reads
from intelpool.pool.submission import IngestSummary
from intelpool.pool.views import ContributionDetail, ContributionView

router = APIRouter(tags=["contributions"])


@dataclass(slots=True)
class SubmitOptions:
    """Everything `intelpool submit` takes, as query parameters (the body is the file)."""

    tlp: Annotated[str, Query(description="clear, green, amber, amber+strict or red.")]
    audience: Annotated[list[str] | None, Query(
        description="pool, org:NAME or group:NAME; repeat.")] = None
    handling: Annotated[list[str] | None, Query(description="H0, H1 or H2; repeat.")] = None
    h3: Annotated[str | None, Query(description="H3: other restrictions, as text.")] = None
    pap: Annotated[str | None, Query(description="clear, green, amber or red.")] = None
    anonymous: Annotated[bool, Query(description="Hide your organisation's name.")] = False
    reliability: Annotated[str | None, Query(description="Source reliability code.")] = None
    credibility: Annotated[str | None, Query(description="Information credibility "
                                                         "code.")] = None
    scheme: Annotated[str | None, Query(description="admiralty or 4x4.")] = None
    theme: Annotated[list[str] | None, Query(description="Crime theme; repeat.")] = None
    title: Annotated[str | None, Query(description="Title of the contribution.")] = None
    format: Annotated[str, Query(description="auto (by content) or a format name.")] = "auto"
    column: Annotated[list[str] | None, Query(
        description="CSV column mapping FIELD=COLUMN; repeat.")] = None
    delimiter: Annotated[str | None, Query(description="CSV delimiter.")] = None
    type: Annotated[str | None, Query(description="Type of every untyped value.")] = None
    filename: Annotated[str | None, Query(description="Source name, when the body is "
                                                      "raw.")] = None
    rejections: Annotated[int, Query(ge=0, le=100_000, description="Return at most this "
                                     "many rejected records.")] = 1000
    background: Annotated[bool, Query(description="Queue it as a job and answer 202 with "
                                      "the job's id at once; follow it at /jobs/ID (which "
                                      "keeps its rejections).")] = False


class SubmitResult(BaseModel):
    summary: IngestSummary
    rejections: list[Rejection]
    rejections_truncated: bool  # more records were rejected than returned


@router.post("/contributions", status_code=201, openapi_extra=FILE_BODY,
             responses={202: {"model": QueuedJob, "description": "Queued as a job "
                              "(background=true)."}})
async def submit(request: Request, response: Response, caller: Submitter, engine: AppEngine,
                 settings: AppSettings,
                 options: Annotated[SubmitOptions, Depends()]) -> SubmitResult | QueuedJob:
    """Submit a file under your handling and evaluation, as `intelpool submit` does; with
    background=true, as `intelpool submit --background` does."""
    path, filename = await spool(request, settings.api_upload_dir)
    try:
        if options.background:
            response.status_code = 202
            return await run_in_threadpool(_queue, engine, caller, path, filename, options)
        return await run_in_threadpool(_submit, engine, caller, settings, path,
                                       filename, options)
    finally:
        path.unlink(missing_ok=True)


def _queue(engine: Engine, caller: Principal, path: Path, filename: str | None,
           o: SubmitOptions) -> QueuedJob:
    with engine.begin() as conn:
        job_id = jobs.submit_in_background(conn, caller, _submission(path, filename, o))
    jobs.start_runner(engine.url.render_as_string(hide_password=False), engine)
    return QueuedJob(job=job_id, state="queued")


def _submit(engine: Engine, caller: Principal, settings: Settings, path: Path,
            filename: str | None, o: SubmitOptions) -> SubmitResult:
    kept: list[Rejection] = []
    submission = _submission(path, filename, o)
    with engine.begin() as conn:
        summary = ingest.submit(conn, caller, submission, batch_size=settings.ingest_batch_size,
                                on_rejection=lambda r: kept.append(r)
                                if len(kept) < o.rejections else None, settings=settings)
    return SubmitResult(summary=summary, rejections=kept,
                        rejections_truncated=summary.rejected > len(kept))


def _submission(path: Path, filename: str | None, o: SubmitOptions) -> ingest.Submission:
    columns = dict(_pair(c) for c in o.column or [])
    return ingest.Submission(
        path=path, format=o.format, title=o.title, themes=o.theme or [],
        handling=HandlingRequest(tlp=o.tlp, audience=o.audience or [], codes=o.handling or [],
                                 h3_text=o.h3, pap=o.pap, anonymous=o.anonymous),
        options=ImportOptions(columns=columns, delimiter=o.delimiter, default_type=o.type),
        reliability=o.reliability, credibility=o.credibility, scheme=o.scheme,
        source_name=filename or o.filename or "upload")


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise InvalidInput(f"column mapping {text!r}: use FIELD=COLUMN")
    return key.strip(), value.strip()


@router.get("/contributions")
def list_contributions(conn: Conn, caller: Reader, limit: LimitParam = 100,
                       cursor: CursorParam = None) -> Page[ContributionView]:
    """Contributions you may see, newest first."""
    return keyset_page(lambda n, before: reads.list_contributions(conn, caller, limit=n,
                                                                  before=before),
                       limit, cursor, key=lambda c: c.id)


@router.get("/contributions/{contribution_id}")
def show_contribution(
    conn: Conn, caller: Reader,
    contribution_id: Annotated[int, PathParam(ge=1, le=2**62)],
    observations: int = Query(100, ge=0, le=10_000, description="List this many of its "
                                                                 "observations."),
) -> ContributionDetail:
    """One contribution you may see, with its first observations."""
    return reads.show_contribution(conn, caller, contribution_id, limit=observations)
