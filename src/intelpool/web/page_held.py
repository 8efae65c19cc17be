"""Takedown requests and notes held for the viewer's organisation, as the lead of a police
operation they touch, each with its Release button (``intelpool rfi release``, ``intelpool
operation release-note``). Nobody else sees them: to others the page is empty."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from intelpool.errors import NotFound
from intelpool.operations import held, rfi, work
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, render, safe_next

router = APIRouter(route_class=PageRoute)
NAV: list[NavLink] = []


@router.get("/held", include_in_schema=False)
def held_page(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    with viewer.transaction() as conn:
        items = held.held_for(conn, viewer.principal)
    return render(request, viewer, "held.html", {"held": items})


@router.post("/held/{subject_type}/{subject_id}/release", include_in_schema=False)
def release(viewer: CurrentViewer, subject_type: str, subject_id: int,
            back: Annotated[str, Form()] = "/held") -> RedirectResponse:
    with viewer.transaction() as conn:
        if subject_type == "rfi":
            rfi.release(conn, viewer.principal, subject_id)
        elif subject_type == "operation_note":
            work.release_note(conn, viewer.principal, subject_id)
        else:
            raise NotFound(f"nothing held as {subject_type!r}")
    return RedirectResponse(safe_next(back), status_code=303)
