"""Submitting a file: drag and drop, a handling form that explains each choice, the summary."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from intelpool.access import Permission, require
from intelpool.access.handling import TLP, HandlingRequest
from intelpool.config import Settings
from intelpool.errors import IntelpoolError
from intelpool.formats import registry
from intelpool.formats.records import Rejection
from intelpool.partners import service as partners
from intelpool.pool import ingest
from intelpool.pool.submission import IngestSummary, RejectionSink
from intelpool.pool.themes import Theme
from intelpool.web.core import CurrentViewer, NavLink, PageRoute, Viewer, render
from intelpool.web.forms import saved_upload

router = APIRouter(route_class=PageRoute)
NAV = [NavLink("Submit", "/submit", "pool:submit")]
SHOWN_REJECTIONS = 200


def _choices(viewer: Viewer) -> dict[str, object]:
    with viewer.transaction() as conn:
        orgs = [o.name for o in partners.list_organisations(conn)
                if o.id != viewer.principal.organisation_id]
        groups = [g.name for g in partners.list_groups(conn)]
    return {"orgs": orgs, "groups": groups, "tlps": [t.value for t in TLP],
            "themes": [t.value for t in Theme], "formats": sorted(registry.importers())}


@router.get("/submit", include_in_schema=False)
def submit_form(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    require(viewer.principal, Permission.POOL_SUBMIT)  # no form for those who may not submit
    return render(request, viewer, "submit.html", {**_choices(viewer), "form": {},
                                                   "summary": None, "error": None})


@router.post("/submit", include_in_schema=False)
def submit(
    request: Request,
    viewer: CurrentViewer,
    file: Annotated[UploadFile, File()],
    tlp: Annotated[str, Form()],
    audience: Annotated[list[str] | None, Form()] = None,
    codes: Annotated[list[str] | None, Form()] = None,
    h3: Annotated[str, Form()] = "",
    pap: Annotated[str, Form()] = "",
    anonymous: Annotated[bool, Form()] = False,
    reliability: Annotated[str, Form()] = "",
    credibility: Annotated[str, Form()] = "",
    scheme: Annotated[str, Form()] = "",
    themes: Annotated[list[str] | None, Form()] = None,
    title: Annotated[str, Form()] = "",
    format: Annotated[str, Form()] = "auto",
) -> HTMLResponse:
    form = {"tlp": tlp, "audience": audience or [], "codes": codes or [], "h3": h3, "pap": pap,
            "anonymous": anonymous, "reliability": reliability, "credibility": credibility,
            "scheme": scheme, "themes": themes or [], "title": title, "format": format}
    request_ = HandlingRequest(tlp=tlp, audience=audience or [], codes=codes or [],
                               h3_text=h3 or None, pap=pap or None, anonymous=anonymous)
    rejections: list[Rejection] = []

    def keep(rejection: Rejection) -> None:
        if len(rejections) < SHOWN_REJECTIONS:
            rejections.append(rejection)

    try:
        summary = _store(viewer, file, request_, form, keep)
    except IntelpoolError as exc:
        # Refused as the CLI refuses it; the form comes back as it was filled in.
        return render(request, viewer, "submit.html", {
            **_choices(viewer), "form": form, "summary": None, "error": str(exc)}, status=422)
    return render(request, viewer, "submit.html", {
        **_choices(viewer), "form": form, "summary": summary, "rejections": rejections,
        "error": None})


def _store(viewer: Viewer, file: UploadFile, handling: HandlingRequest,
           form: dict[str, Any], keep: RejectionSink) -> IngestSummary:
    with saved_upload(file) as path:
        submission = ingest.Submission(
            path=path, handling=handling, format=form["format"] or "auto",
            title=form["title"] or None, themes=form["themes"],
            reliability=form["reliability"] or None, credibility=form["credibility"] or None,
            scheme=form["scheme"] or None, source_name=(file.filename or "upload")[:500])
        with viewer.transaction() as conn:
            return ingest.submit(conn, viewer.principal, submission,
                                 batch_size=Settings().ingest_batch_size, on_rejection=keep)
