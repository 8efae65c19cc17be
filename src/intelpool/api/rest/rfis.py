"""Requests for information and consultations: ask partners, answer, consent, close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from intelpool.access import Principal
from intelpool.access.handling import HandlingRequest
from intelpool.api.deps import (
    AppEngine,
    AppSettings,
    Conn,
    Decider,
    OperationsManager,
    Reader,
    Submitter,
    Text,
)
from intelpool.api.paging import (
    CursorParam,
    LimitParam,
    Page,
    sort_param,
    sort_query,
    sorted_page,
)
from intelpool.api.uploads import FILE_BODY, spool
from intelpool.config import Settings
from intelpool.operations import rfi, rfi_answers, rfi_views
from intelpool.operations.models import RfiView
from intelpool.pool import ingest

router = APIRouter(tags=["requests for information"])

RfiId = Annotated[int, PathParam(ge=1, le=2**62)]
_Short = Annotated[Text, Field(min_length=1, max_length=200)]


class NewRfi(BaseModel):
    to: list[_Short] = Field(min_length=1, description="ORG, group:NAME or kind:KIND.")
    question: Text = Field(min_length=1, max_length=8000)
    items: list[Annotated[Text, Field(max_length=4000)]] = Field(
        default_factory=list, description="Parts of the question answered separately.")
    selectors: list[_Short] = Field(default_factory=list)
    operation_id: int | None = Field(None, ge=1, le=2**62)
    due: datetime | None = Field(None, description="Answer by (UTC unless it says).")
    tlp: Literal["clear", "green", "amber", "amber+strict", "red"] = "amber"
    pap: Literal["clear", "green", "amber", "red"] | None = None
    answer_tlp: Literal["clear", "green", "amber", "amber+strict", "red"] | None = Field(
        None, description="The strictest TLP you accept for answers without consent.")
    on_behalf: bool = False
    takedown: bool = False
    meeting_at: datetime | None = Field(None, description="A consultation's meeting.")
    agenda: Text | None = Field(None, max_length=8000)


class Created(BaseModel):
    id: int
    held: bool = False  # held: it touches an operation's target; its lead has been told


class Reason(BaseModel):
    reason: Text | None = Field(None, max_length=4000)


class AnswerText(BaseModel):
    text: Text = Field(min_length=1, max_length=20_000)
    item: int | None = Field(None, ge=1, le=10_000, description="The item answered.")


class Minutes(BaseModel):
    text: Text = Field(min_length=1, max_length=20_000)


class Reopen(BaseModel):
    due: datetime | None = Field(None, description="A new due date (UTC unless it says).")


class Status(BaseModel):
    id: int
    status: str


@router.post("/rfis", status_code=201)
def create(conn: Conn, caller: Submitter, body: NewRfi) -> Created:
    """Ask chosen partners a question (or invite them to a consultation)."""
    request = rfi.RfiRequest(**body.model_dump())
    rfi_id = rfi.create(conn, caller, request)
    return Created(id=rfi_id, held=rfi.load(conn, caller, rfi_id)[0]["status"] == "held")


@router.get("/rfis")
def list_rfis(conn: Conn, caller: Reader,
              box: Literal["inbox", "outbox"] | None = Query(
                  None, description="inbox: received; outbox: asked by you."),
              sort: str = sort_query(rfi_views.RFI_SORTS, "-id"), limit: LimitParam = 100,
              cursor: CursorParam = None) -> Page[RfiView]:
    """Requests your organisation asked or received, newest first."""
    sort = sort_param(sort, rfi_views.RFI_SORTS, "requests for information")
    return sorted_page(lambda part, before: rfi_views.rfi_page(
        conn, caller, box, part, before), limit, cursor, sort, key=lambda r: r.id)


@router.get("/rfis/{rfi_id}")
def show(conn: Conn, caller: Reader, rfi_id: RfiId) -> RfiView:
    """One request with its items, recipients' states, answers and minutes."""
    return rfi_views.show(conn, caller, rfi_id)


@router.post("/rfis/{rfi_id}/accept")
def accept(conn: Conn, caller: Submitter, rfi_id: RfiId,
           body: Reason | None = None) -> RfiView:
    """Accept a request you received."""
    rfi.respond(conn, caller, rfi_id, True, body.reason if body else None)
    return rfi_views.show(conn, caller, rfi_id)


@router.post("/rfis/{rfi_id}/decline")
def decline(conn: Conn, caller: Submitter, rfi_id: RfiId, body: Reason) -> RfiView:
    """Decline a request you received, with the reason."""
    rfi.respond(conn, caller, rfi_id, False, body.reason)
    return rfi_views.show(conn, caller, rfi_id)


@router.post("/rfis/{rfi_id}/answers", status_code=201)
def answer(conn: Conn, caller: Submitter, settings: AppSettings, rfi_id: RfiId,
           body: AnswerText) -> Created:
    """Answer a request (or one item of it) with text."""
    return Created(id=rfi_answers.answer(conn, caller, rfi_id, body.text, item=body.item,
                                         settings=settings))


@dataclass(slots=True)
class FileAnswer:
    """The answer's text and the file's handling, as query parameters (the body is the
    file)."""

    text: Annotated[str, Query(min_length=1, max_length=4000, description="The answer.")]
    item: Annotated[int | None, Query(ge=1, le=10_000, description="The item "
                                                                    "answered.")] = None
    format: Annotated[str, Query(max_length=32, description="auto (by content) or a "
                                                            "format name.")] = "auto"
    tlp: Annotated[str, Query(max_length=16, description="The file's TLP.")] = "amber"
    pap: Annotated[str | None, Query(max_length=16, description="The file's PAP.")] = None
    handling: Annotated[list[str] | None, Query(description="H0, H1 or H2; repeat.")] = None


@router.post("/rfis/{rfi_id}/answers/file", status_code=201, openapi_extra=FILE_BODY)
async def answer_with_file(request: Request, caller: Submitter, engine: AppEngine,
                           settings: AppSettings, rfi_id: RfiId,
                           options: Annotated[FileAnswer, Depends()]) -> Created:
    """Answer with text and a file, imported as a contribution of yours and opened to the
    asker (the raw body, or a multipart part named `file`)."""
    path, filename = await spool(request, settings.api_upload_dir)
    try:
        return await run_in_threadpool(_answer_file, engine, caller, settings, rfi_id, path,
                                       filename, options)
    finally:
        path.unlink(missing_ok=True)


def _answer_file(engine: Engine, caller: Principal, settings: Settings, rfi_id: int,
                 path: Path, filename: str | None, o: FileAnswer) -> Created:
    submission = ingest.Submission(
        path=path, format=o.format, title=f"Answer to request for information {rfi_id}",
        handling=HandlingRequest(tlp=o.tlp, pap=o.pap, codes=o.handling or []),
        source_name=filename or "upload")
    with engine.begin() as conn:
        return Created(id=rfi_answers.answer(conn, caller, rfi_id, o.text, item=o.item,
                                             submission=submission, settings=settings))


@router.post("/rfis/answers/{answer_id}/consent")
def consent(conn: Conn, caller: Decider,
            answer_id: Annotated[int, PathParam(ge=1, le=2**62)]) -> Created:
    """Release a stricter answer of yours under the handling the requester accepts."""
    rfi_answers.consent(conn, caller, answer_id)
    return Created(id=answer_id)


def _change(conn: Conn, caller: Principal, rfi_id: int, what: str,
            due: datetime | None = None) -> Status:
    return Status(id=rfi_id, status=rfi.change(conn, caller, rfi_id, what, due))


@router.post("/rfis/{rfi_id}/close")
def close(conn: Conn, caller: Submitter, rfi_id: RfiId) -> Status:
    """Close your request."""
    return _change(conn, caller, rfi_id, "close")


@router.post("/rfis/{rfi_id}/cancel")
def cancel(conn: Conn, caller: Submitter, rfi_id: RfiId) -> Status:
    """Cancel your request."""
    return _change(conn, caller, rfi_id, "cancel")


@router.post("/rfis/{rfi_id}/reopen")
def reopen(conn: Conn, caller: Submitter, rfi_id: RfiId, body: Reopen | None = None) -> Status:
    """Reopen your closed or expired request, optionally with a new due date."""
    return _change(conn, caller, rfi_id, "reopen", body.due if body else None)


@router.post("/rfis/{rfi_id}/release")
def release(conn: Conn, caller: OperationsManager, rfi_id: RfiId) -> RfiView:
    """Let a held takedown request touching your operation's target go out."""
    rfi.release(conn, caller, rfi_id)
    return rfi_views.show(conn, caller, rfi_id)


@router.post("/rfis/{rfi_id}/minutes", status_code=201)
def minutes(conn: Conn, caller: Submitter, rfi_id: RfiId, body: Minutes) -> Created:
    """Add minutes to your consultation, shared with every invitee."""
    return Created(id=rfi_answers.add_minutes(conn, caller, rfi_id, body.text))
