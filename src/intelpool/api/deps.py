"""Request plumbing shared by the routers: a transaction per request, the settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from pydantic import AfterValidator
from sqlalchemy import Connection, Engine

from intelpool.access import Permission, Principal
from intelpool.api.guard import requires
from intelpool.config import Settings


def connection(request: Request) -> Iterator[Connection]:
    engine: Engine = request.app.state.engine
    with engine.begin() as conn:
        yield conn


# Dependencies that do no I/O are coroutines: a plain function costs a thread hop each.
async def settings(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


async def engine(request: Request) -> Engine:
    found: Engine = request.app.state.engine
    return found


Conn = Annotated[Connection, Depends(connection)]
AppSettings = Annotated[Settings, Depends(settings)]
AppEngine = Annotated[Engine, Depends(engine)]

# The callers routes take, one per permission they may need.
Reader = Annotated[Principal, requires(Permission.POOL_READ)]
Submitter = Annotated[Principal, requires(Permission.POOL_SUBMIT)]
Decider = Annotated[Principal, requires(Permission.ACCESS_DECIDE)]
UsersManager = Annotated[Principal, requires(Permission.ORG_USERS_MANAGE)]
AuditReader = Annotated[Principal, requires(Permission.ORG_AUDIT_READ)]
PartnersManager = Annotated[Principal, requires(Permission.PARTNERS_MANAGE)]
Analyst = Annotated[Principal, requires(Permission.ANALYSIS_RUN)]
OperationsManager = Annotated[Principal, requires(Permission.OPERATIONS_MANAGE)]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    return value


# Text in request bodies: PostgreSQL cannot hold NUL characters, so they are refused up front.
Text = Annotated[str, AfterValidator(_no_nul)]


async def no_nul_in_url(request: Request) -> None:
    """Query and path text with a NUL character is refused before any route sees it."""
    if "\x00" in request.url.path or any("\x00" in k or "\x00" in v
                                         for k, v in request.query_params.multi_items()):
        from intelpool.api.errors import ApiError

        raise ApiError(422, "invalid_input", "text may not contain NUL characters")
