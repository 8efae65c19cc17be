"""Access requests: ask an originator to release the data behind a hit; decide on them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from intelpool.api.deps import Conn, Decider, Reader, Text
from intelpool.api.paging import (
    CursorParam,
    LimitParam,
    Page,
    sort_param,
    sort_query,
    sorted_page,
)
from intelpool.matching import access_requests
from intelpool.matching.access_requests import AccessRequestView

router = APIRouter(tags=["access requests"])

RequestId = Annotated[int, Path(ge=1, le=2**62)]


class NewAccessRequest(BaseModel):
    hit_id: int = Field(ge=1, le=2**62, description="The hit whose partner data you ask for.")
    reason: Text = Field(min_length=1, max_length=4000, description="Why you need it.")


class Decision(BaseModel):
    note: Text | None = Field(None, max_length=4000, description="A note for the requester.")


@router.post("/access-requests", status_code=201)
def request_access(conn: Conn, caller: Reader, body: NewAccessRequest) -> AccessRequestView:
    """Ask the originator to release the data behind a hit."""
    return access_requests.request_access(conn, caller, body.hit_id, body.reason)


@router.get("/access-requests")
def list_requests(conn: Conn, caller: Reader,
                  status: Literal["pending", "granted", "denied"] | None = Query(None),
                  sort: str = sort_query(access_requests.REQUEST_SORTS, "-id"),
                  limit: LimitParam = 100,
                  cursor: CursorParam = None) -> Page[AccessRequestView]:
    """Access requests to and from your organisation, newest first."""
    sort = sort_param(sort, access_requests.REQUEST_SORTS, "access requests")
    return sorted_page(lambda part, before: access_requests.request_page(
        conn, caller, status=status, part=part, before=before), limit, cursor, sort,
        key=lambda r: r.id)


@router.post("/access-requests/{request_id}/grant")
def grant(conn: Conn, caller: Decider, request_id: RequestId,
          body: Decision | None = None) -> AccessRequestView:
    """Release your data behind a hit to the requester (your recorded consent)."""
    return access_requests.decide(conn, caller, request_id, grant=True,
                                  note=body.note if body else None)


@router.post("/access-requests/{request_id}/deny")
def deny(conn: Conn, caller: Decider, request_id: RequestId,
         body: Decision | None = None) -> AccessRequestView:
    """Refuse an access request."""
    return access_requests.decide(conn, caller, request_id, grant=False,
                                  note=body.note if body else None)
