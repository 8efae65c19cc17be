"""Partner organisations and sharing groups (host admins manage; every member may list)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from intelpool.api.deps import Conn, PartnersManager, Reader, Text
from intelpool.api.paging import CursorParam, LimitParam, Page, offset_page
from intelpool.partners import service as partners
from intelpool.partners.models import Organisation, SharingGroup

router = APIRouter(tags=["partners"])

GroupName = Annotated[str, Path(min_length=1, max_length=200)]


class NewOrganisation(BaseModel):
    name: Text = Field(min_length=1, max_length=200)
    kind: Text = Field(description="host, law-enforcement, private, cert or other.")
    country: Text | None = Field(None, description="ISO 3166 two-letter country code.")


class NewGroup(BaseModel):
    name: Text = Field(min_length=1, max_length=200)
    members: list[Text] = Field(default_factory=list, description="Member organisations.")


class MemberChange(BaseModel):
    add: list[Text] = Field(default_factory=list)
    remove: list[Text] = Field(default_factory=list)


@router.get("/organisations")
def list_organisations(conn: Conn, caller: Reader, limit: LimitParam = 100,
                       cursor: CursorParam = None) -> Page[Organisation]:
    """The partner organisations of the pool (who members share with)."""
    everyone = partners.list_organisations(conn)
    return offset_page(lambda n, offset: everyone[offset:offset + n], limit, cursor)


@router.post("/organisations", status_code=201)
def add_organisation(conn: Conn, caller: PartnersManager,
                     body: NewOrganisation) -> Organisation:
    """Add a partner organisation (host admins)."""
    return partners.add_organisation(conn, caller, body.name, body.kind, body.country)


@router.get("/groups")
def list_groups(conn: Conn, caller: Reader, limit: LimitParam = 100,
                cursor: CursorParam = None) -> Page[SharingGroup]:
    """Sharing groups and their members."""
    groups = partners.list_groups(conn)
    return offset_page(lambda n, offset: groups[offset:offset + n], limit, cursor)


@router.post("/groups", status_code=201)
def add_group(conn: Conn, caller: PartnersManager, body: NewGroup) -> SharingGroup:
    """Create a sharing group (host admins)."""
    return partners.add_group(conn, caller, body.name, body.members)


@router.patch("/groups/{name}/members")
def change_members(conn: Conn, caller: PartnersManager, name: GroupName,
                   body: MemberChange) -> SharingGroup:
    """Add and remove members of a sharing group (host admins)."""
    return partners.set_group_members(conn, caller, name, body.add, body.remove)
