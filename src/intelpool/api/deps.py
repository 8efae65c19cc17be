"""Request plumbing: a transaction per request and the principal behind the bearer token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine

from intelpool.access import Principal
from intelpool.errors import Forbidden
from intelpool.partners.identity import principal_for_token

bearer = HTTPBearer(auto_error=False)


def connection(request: Request) -> Iterator[Connection]:
    engine: Engine = request.app.state.engine
    with engine.begin() as conn:
        yield conn


Conn = Annotated[Connection, Depends(connection)]


def principal(
    conn: Conn,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "a bearer token is required",
                            headers={"WWW-Authenticate": "Bearer"})
    try:
        return principal_for_token(conn, credentials.credentials)
    except Forbidden as exc:
        raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None


Caller = Annotated[Principal, Depends(principal)]
