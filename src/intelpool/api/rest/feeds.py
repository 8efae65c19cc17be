"""Feeds pulled in: remote TAXII collections and MISP feeds of your organisation."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from intelpool.access import Principal
from intelpool.api.deps import AppEngine, AppSettings, Conn, Reader, Submitter, Text
from intelpool.api.rest.jobs import QueuedJob
from intelpool.jobs import service as jobs
from intelpool.pool import feeds
from intelpool.pool.feeds import FeedView

router = APIRouter(tags=["feeds"])

FeedName = Annotated[str, Path(min_length=1, max_length=200)]


class NewFeed(BaseModel):
    name: Text = Field(min_length=1, max_length=200)
    kind: Literal["taxii", "misp"]
    url: Text = Field(min_length=1, max_length=2000, description="A TAXII 2.1 API root, or "
                      "the MISP feed directory holding manifest.json.")
    collection: Text | None = Field(None, max_length=200, description="TAXII collection id.")
    username: Text | None = Field(None, max_length=320)
    secret: Text | None = Field(None, max_length=2000, description="Password, or token "
                                "with bearer=true.")
    bearer: bool = False
    tlp: Text
    audience: list[Text] = Field(default_factory=list)
    themes: list[Text] = Field(default_factory=list)


@router.get("/feeds")
def list_feeds(conn: Conn, caller: Reader) -> list[FeedView]:
    """Your organisation's sources with their last pull, counts and last error."""
    return feeds.list_feeds(conn, caller)


@router.post("/feeds", status_code=201)
def add_feed(conn: Conn, caller: Submitter, settings: AppSettings, body: NewFeed) -> FeedView:
    """Register a source whose data you contribute (its secret is stored encrypted and never
    shown again)."""
    return feeds.add_feed(conn, caller, body.name, kind=body.kind, url=body.url,
                          collection=body.collection, username=body.username,
                          secret=body.secret, bearer=body.bearer, tlp=body.tlp,
                          audience=body.audience, themes=body.themes, settings=settings)


@router.post("/feeds/{name}/pull", status_code=202)
async def pull(caller: Submitter, engine: AppEngine, name: FeedName) -> QueuedJob:
    """Queue a pull of one source: a job fetches what is new and contributes it; follow it
    at /jobs/{job} (each source's result, errors included, is in its summary)."""
    return await run_in_threadpool(_queue_pull, engine, caller, name)


def _queue_pull(engine: Engine, caller: Principal, name: str) -> QueuedJob:
    with engine.begin() as conn:
        job_id = jobs.pull_in_background(conn, caller, name)
    jobs.start_runner(engine.url.render_as_string(hide_password=False), engine)
    return QueuedJob(job=job_id, state="queued")
