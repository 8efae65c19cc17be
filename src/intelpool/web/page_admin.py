"""Administration: organisations, users, tokens (shown once, revocable) and sharing groups."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from intelpool.access import Role
from intelpool.errors import IntelpoolError
from intelpool.partners import identity, sign_in
from intelpool.partners import service as partners
from intelpool.partners.models import OrgKind
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, Viewer, render

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("Administration", "/admin", "org:users-manage")]


def _page(request: Request, viewer: Viewer, **shown: Any) -> HTMLResponse:
    """The administration page, with whatever was just created (shown once) or refused."""
    me = viewer.principal
    with viewer.transaction() as conn:
        organisations = partners.list_organisations(conn)
        users = partners.list_users(conn, me, None)
        tokens = identity.list_tokens(conn, me)
        groups = partners.list_groups(conn)
    manages_partners = viewer.can("partners:manage")
    return render(request, viewer, "admin.html", {
        "organisations": organisations, "users": users, "tokens": tokens, "groups": groups,
        "manages_partners": manages_partners, "roles": [r.value for r in Role],
        "kinds": [k.value for k in OrgKind],
        "own_orgs": [o.name for o in organisations
                     if manages_partners or o.id == me.organisation_id],
        "created_password": None, "created_token": None, "done": None, "error": None,
        **shown}, status=422 if shown.get("error") else 200)


@router.get("/admin", include_in_schema=False)
def admin(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    with viewer.transaction() as conn:  # refuses viewers who manage no users
        partners.list_users(conn, viewer.principal, None)
    return _page(request, viewer)


def _act(request: Request, viewer: Viewer, action: Any) -> HTMLResponse:
    try:
        with viewer.transaction() as conn:
            shown = action(conn)
    except IntelpoolError as exc:
        return _page(request, viewer, error=str(exc))
    return _page(request, viewer, **shown)


@router.post("/admin/organisations", include_in_schema=False)
def add_organisation(request: Request, viewer: CurrentViewer, name: Annotated[str, Form()],
                     kind: Annotated[str, Form()],
                     country: Annotated[str, Form()] = "") -> HTMLResponse:
    return _act(request, viewer, lambda conn: {"done": "added organisation " + partners
                .add_organisation(conn, viewer.principal, name, kind, country or None).name})


@router.post("/admin/users", include_in_schema=False)
def add_user(request: Request, viewer: CurrentViewer, email: Annotated[str, Form()],
             organisation: Annotated[str, Form()],
             role: Annotated[str, Form()]) -> HTMLResponse:
    def action(conn: Any) -> dict[str, Any]:
        user = partners.add_user(conn, viewer.principal, email, organisation, role)
        password = sign_in.generate_password()
        sign_in.set_password(conn, viewer.principal, user.email, password)
        return {"done": f"added {user.email} to {user.organisation} as {user.role}",
                "created_password": (user.email, password)}
    return _act(request, viewer, action)


@router.post("/admin/users/password", include_in_schema=False)
def reset_password(request: Request, viewer: CurrentViewer,
                   email: Annotated[str, Form()]) -> HTMLResponse:
    def action(conn: Any) -> dict[str, Any]:
        password = sign_in.generate_password()
        sign_in.set_password(conn, viewer.principal, email, password)
        return {"done": f"new password for {email}", "created_password": (email, password)}
    return _act(request, viewer, action)


@router.post("/admin/tokens", include_in_schema=False)
def create_token(request: Request, viewer: CurrentViewer, email: Annotated[str, Form()],
                 scopes: Annotated[list[str] | None, Form()] = None,
                 expires: Annotated[str, Form()] = "") -> HTMLResponse:
    return _act(request, viewer, lambda conn: {"created_token": identity.create_token(
        conn, viewer.principal, email, expires_days=int(expires) if expires.strip() else None,
        scopes=scopes or [])})


@router.post("/admin/tokens/{token_id}/revoke", include_in_schema=False)
def revoke_token(request: Request, viewer: CurrentViewer, token_id: int) -> HTMLResponse:
    def action(conn: Any) -> dict[str, Any]:
        identity.revoke_token(conn, viewer.principal, token_id)
        return {"done": f"revoked token {token_id}"}
    return _act(request, viewer, action)


@router.post("/admin/groups", include_in_schema=False)
def add_group(request: Request, viewer: CurrentViewer, name: Annotated[str, Form()],
              members: Annotated[list[str] | None, Form()] = None) -> HTMLResponse:
    return _act(request, viewer, lambda conn: {"done": "added sharing group " + partners
                .add_group(conn, viewer.principal, name, members or []).name})


@router.post("/admin/groups/members", include_in_schema=False)
def group_members(request: Request, viewer: CurrentViewer, name: Annotated[str, Form()],
                  add: Annotated[list[str] | None, Form()] = None,
                  remove: Annotated[list[str] | None, Form()] = None) -> HTMLResponse:
    return _act(request, viewer, lambda conn: {"done": "sharing group " + partners
                .set_group_members(conn, viewer.principal, name, add or [], remove or [])
                .name + " changed"})
