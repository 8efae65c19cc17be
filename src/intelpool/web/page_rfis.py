"""Requests for information and consultations: inbox and outbox, asking, an RFI's page with
accepting or declining, answers item by item (a file goes through the normal import path),
consent, close, cancel, reopen and a consultation's minutes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from intelpool.access import Permission, require
from intelpool.access.handling import TLP, HandlingRequest
from intelpool.db.sorting import Slice
from intelpool.errors import InvalidInput
from intelpool.operations import rfi, rfi_answers, rfi_views, service
from intelpool.partners import service as partners
from intelpool.pool import ingest
from intelpool.web import list_exports
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, Viewer, render
from intelpool.web.forms import lines, saved_upload, when
from intelpool.web.listing import as_page, csv_response, window

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("RFIs", "/rfis", "pool:read")]
KINDS = ("law-enforcement", "private", "cert", "host")


def _back(rfi_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/rfis/{rfi_id}{anchor}", status_code=303)


@router.get("/rfis", include_in_schema=False)
def rfi_list(request: Request, viewer: CurrentViewer, box: str = "inbox", sort: str = "-id",
             page: int = 1) -> HTMLResponse:
    with viewer.transaction() as conn:
        found = rfi_views.rfi_page(conn, viewer.principal, box, window(page, sort))
        counts = rfi_views.rfi_counts(conn, viewer.principal)
    return render(request, viewer, "rfis.html", {
        "box": box, "page": as_page(found, page, sort), "counts": counts,
        "params": {"box": box, "sort": sort}})


@router.get("/rfis.csv", include_in_schema=False)
def rfi_csv(viewer: CurrentViewer, box: str = "", sort: str = "-id") -> Response:
    with viewer.transaction() as conn:
        found = rfi_views.rfi_page(conn, viewer.principal, box or None, Slice(sort)).items
    return csv_response("rfis.csv", list_exports.RFI_HEADER, list_exports.rfi_rows(found))


def _choices(viewer: Viewer) -> dict[str, object]:
    with viewer.transaction() as conn:
        orgs = partners.list_organisations(conn)
        groups = [g.name for g in partners.list_groups(conn)]
        operations = [o for o in service.list_operations(conn, viewer.principal)
                      if o.your_state == "joined"]
    mine = next((o for o in orgs if o.id == viewer.principal.organisation_id), None)
    return {"orgs": [o.name for o in orgs if o is not mine], "groups": groups,
            "kinds": KINDS, "operations": operations, "tlps": [t.value for t in TLP],
            "host": mine is not None and mine.kind == "host"}


@router.get("/rfis/new", include_in_schema=False)
def rfi_form(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    require(viewer.principal, Permission.POOL_SUBMIT)
    return render(request, viewer, "rfi_new.html", _choices(viewer))


@router.post("/rfis", include_in_schema=False)
def create(
    viewer: CurrentViewer, question: Annotated[str, Form()],
    to: Annotated[list[str] | None, Form()] = None, items: Annotated[str, Form()] = "",
    selectors: Annotated[str, Form()] = "", operation: Annotated[str, Form()] = "",
    due: Annotated[str, Form()] = "", tlp: Annotated[str, Form()] = "amber",
    pap: Annotated[str, Form()] = "", answer_tlp: Annotated[str, Form()] = "",
    on_behalf: Annotated[bool, Form()] = False, takedown: Annotated[bool, Form()] = False,
    meeting: Annotated[str, Form()] = "", agenda: Annotated[str, Form()] = "",
) -> RedirectResponse:
    request = rfi.RfiRequest(
        to=to or [], question=question, items=lines(items), selectors=lines(selectors),
        operation_id=int(operation) if operation.isdigit() else None,
        due=when(due, "due date"), tlp=tlp, pap=pap or None, answer_tlp=answer_tlp or None,
        on_behalf=on_behalf, takedown=takedown, meeting_at=when(meeting, "meeting date"),
        agenda=agenda.strip() or None)
    with viewer.transaction() as conn:
        rfi_id = rfi.create(conn, viewer.principal, request)
    return _back(rfi_id)


@router.get("/rfis/{rfi_id}", include_in_schema=False)
def rfi_page(request: Request, viewer: CurrentViewer, rfi_id: int) -> HTMLResponse:
    with viewer.transaction() as conn:
        view = rfi_views.show(conn, viewer.principal, rfi_id)
    mine = next((x for x in view.recipients
                 if x.organisation == viewer.principal.organisation_name), None)
    return render(request, viewer, "rfi.html", {
        "r": view, "mine": mine, "tlps": [t.value for t in TLP],
        "own_org": viewer.principal.organisation_name})


@router.post("/rfis/{rfi_id}/respond", include_in_schema=False)
def respond(viewer: CurrentViewer, rfi_id: int, decision: Annotated[str, Form()],
            reason: Annotated[str, Form()] = "") -> RedirectResponse:
    with viewer.transaction() as conn:
        rfi.respond(conn, viewer.principal, rfi_id, decision == "accept", reason or None)
    return _back(rfi_id)


@router.post("/rfis/{rfi_id}/answer", include_in_schema=False)
def answer(
    viewer: CurrentViewer, rfi_id: int, text: Annotated[str, Form()],
    item: Annotated[str, Form()] = "", file: Annotated[UploadFile | None, File()] = None,
    format: Annotated[str, Form()] = "auto", tlp: Annotated[str, Form()] = "amber",
    pap: Annotated[str, Form()] = "", codes: Annotated[list[str] | None, Form()] = None,
) -> RedirectResponse:
    number = int(item) if item.isdigit() else None
    with viewer.transaction() as conn:
        if file is None or not file.filename:
            rfi_answers.answer(conn, viewer.principal, rfi_id, text, item=number)
        else:
            with saved_upload(file) as path:
                submission = ingest.Submission(
                    path=path, format=format or "auto",
                    title=f"Answer to request for information {rfi_id}",
                    source_name=file.filename[:500],
                    handling=HandlingRequest(tlp=tlp, pap=pap or None, codes=codes or []))
                rfi_answers.answer(conn, viewer.principal, rfi_id, text, item=number,
                                   submission=submission)
    return _back(rfi_id, "#answers")


@router.post("/rfis/{rfi_id}/answers/{answer_id}/consent", include_in_schema=False)
def consent(viewer: CurrentViewer, rfi_id: int, answer_id: int) -> RedirectResponse:
    with viewer.transaction() as conn:
        rfi.load(conn, viewer.principal, rfi_id)  # the page's own request, or not found
        rfi_answers.consent(conn, viewer.principal, answer_id)
    return _back(rfi_id, "#answers")


@router.post("/rfis/{rfi_id}/change", include_in_schema=False)
def change(viewer: CurrentViewer, rfi_id: int, what: Annotated[str, Form()],
           due: Annotated[str, Form()] = "") -> RedirectResponse:
    if what not in ("close", "cancel", "reopen"):
        raise InvalidInput("close, cancel or reopen a request")
    with viewer.transaction() as conn:
        rfi.change(conn, viewer.principal, rfi_id, what, when(due, "due date"))
    return _back(rfi_id)


@router.post("/rfis/{rfi_id}/minutes", include_in_schema=False)
def minutes(viewer: CurrentViewer, rfi_id: int,
            text: Annotated[str, Form()]) -> RedirectResponse:
    with viewer.transaction() as conn:
        rfi_answers.add_minutes(conn, viewer.principal, rfi_id, text)
    return _back(rfi_id, "#minutes")
