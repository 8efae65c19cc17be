"""Organisation settings, under Administration: whether the organisation's contributions
count in partnership statistics, and the handling of what it adds over TAXII. The same
services as ``intelpool org set`` and ``intelpool taxii defaults``, with their refusals."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from intelpool.access.handling import TLP
from intelpool.errors import Forbidden, InvalidInput
from intelpool.partners import service as partners
from intelpool.partners import settings
from intelpool.pool import taxii_submit
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, Viewer, render

router = APIRouter(route_class=PageRoute)
NAV: list[NavLink] = []


def _page(request: Request, viewer: Viewer, name: str, **shown: Any) -> HTMLResponse:
    with viewer.transaction() as conn:
        found = settings.organisation_settings(conn, viewer.principal, name)
        orgs = [o.name for o in partners.list_organisations(conn)]
        groups = [g.name for g in partners.list_groups(conn)]
    return render(request, viewer, "settings.html", {
        "s": found, "orgs": orgs, "groups": groups, "tlps": [t.value for t in TLP],
        "others": orgs if viewer.can("partners:manage") else [],
        "done": None, "error": None, **shown}, status=422 if shown.get("error") else 200)


@router.get("/admin/settings", include_in_schema=False)
def settings_page(request: Request, viewer: CurrentViewer,
                  organisation: str = "") -> HTMLResponse:
    return _page(request, viewer, organisation or str(viewer.principal.organisation_name))


def _change(request: Request, viewer: Viewer, name: str, done: str,
            action: Any) -> HTMLResponse:
    """Read the settings first, so another organisation's read as missing, then change."""
    try:
        with viewer.transaction() as conn:
            settings.organisation_settings(conn, viewer.principal, name)
            action(conn)
    except (InvalidInput, Forbidden) as exc:
        return _page(request, viewer, name, error=str(exc))
    return _page(request, viewer, name, done=done)


@router.post("/admin/settings/statistics", include_in_schema=False)
def statistics(request: Request, viewer: CurrentViewer, organisation: Annotated[str, Form()],
               counted: Annotated[str, Form()]) -> HTMLResponse:
    if counted not in ("yes", "no"):
        raise InvalidInput("choose whether the contributions count in partnership statistics")

    def action(conn: Connection) -> None:
        partners.set_statistics_withheld(conn, viewer.principal, organisation, counted == "no")
    said = "count" if counted == "yes" else "do not count"
    return _change(request, viewer, organisation,
                   f"{organisation}: contributions {said} in partnership statistics", action)


@router.post("/admin/settings/taxii", include_in_schema=False)
def taxii(request: Request, viewer: CurrentViewer, organisation: Annotated[str, Form()],
          tlp: Annotated[str, Form()],
          audience: Annotated[list[str] | None, Form()] = None) -> HTMLResponse:
    chosen = [a for a in audience or [] if a]

    def action(conn: Connection) -> None:
        taxii_submit.set_defaults(conn, viewer.principal, organisation, tlp, chosen)
    return _change(request, viewer, organisation,
                   f"{organisation}: TAXII submissions are TLP:{tlp.upper()}, audience "
                   f"{', '.join(chosen) or 'originator only'}", action)

