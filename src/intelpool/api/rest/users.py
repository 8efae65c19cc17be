"""Users and their API tokens (organisation admins for their own, host admins for all)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from intelpool.api.deps import Conn, Text, UsersManager
from intelpool.api.paging import CursorParam, LimitParam, Page, offset_page
from intelpool.partners import identity
from intelpool.partners import service as partners
from intelpool.partners.models import IssuedToken, User

router = APIRouter(tags=["users"])


class NewUser(BaseModel):
    email: Text = Field(min_length=3, max_length=320)
    organisation: Text = Field(min_length=1, max_length=200)
    role: Text = Field(description="admin, analyst, contributor or reader.")


class NewToken(BaseModel):
    email: Text = Field(min_length=3, max_length=320, description="User the token acts as.")
    expires_days: int | None = Field(None, ge=1, le=36_500)
    scopes: list[Text] = Field(default_factory=lambda: ["read"],
                              description="read, submit and/or admin.")


@router.get("/users")
def list_users(conn: Conn, caller: UsersManager,
               organisation: str | None = Query(None, description="Only this organisation."),
               limit: LimitParam = 100, cursor: CursorParam = None) -> Page[User]:
    """Users you manage: your organisation's, or every one for host admins."""
    users = partners.list_users(conn, caller, organisation)
    return offset_page(lambda n, offset: users[offset:offset + n], limit, cursor)


@router.post("/users", status_code=201)
def add_user(conn: Conn, caller: UsersManager, body: NewUser) -> User:
    """Add a user to an organisation you manage."""
    return partners.add_user(conn, caller, body.email, body.organisation, body.role)


@router.post("/tokens", status_code=201)
def create_token(conn: Conn, caller: UsersManager, body: NewToken) -> IssuedToken:
    """Create an API token; its secret is in this answer only (only a hash is stored)."""
    return identity.create_token(conn, caller, body.email, expires_days=body.expires_days,
                                 scopes=body.scopes)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(conn: Conn, caller: UsersManager,
                 token_id: Annotated[int, Path(ge=1, le=2**62)]) -> Response:
    """Revoke a token at once."""
    identity.revoke_token(conn, caller, token_id)
    return Response(status_code=204)
