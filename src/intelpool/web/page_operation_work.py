"""The work inside an operation: linked selectors and entities, shared contributions, tasks,
notes and the live log, action days with the lead's go or no-go. Each form calls the same
service as the command line and returns to the operation's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse

from intelpool.errors import InvalidInput
from intelpool.operations import links, work
from intelpool.web.core import CurrentViewer, NavLink, PageRoute
from intelpool.web.forms import lines, when
from intelpool.web.page_operations import back

router = APIRouter(route_class=PageRoute)
NAV: list[NavLink] = []


@router.post("/operations/{operation_id}/link", include_in_schema=False)
def link(viewer: CurrentViewer, operation_id: int, selectors: Annotated[str, Form()] = "",
         entities: Annotated[str, Form()] = "") -> RedirectResponse:
    with viewer.transaction() as conn:
        links.link(conn, viewer.principal, operation_id, lines(selectors), lines(entities))
    return back(operation_id, "#targets")


@router.post("/operations/{operation_id}/attach", include_in_schema=False)
def attach(viewer: CurrentViewer, operation_id: int,
           contribution: Annotated[int, Form()]) -> RedirectResponse:
    with viewer.transaction() as conn:
        links.attach(conn, viewer.principal, operation_id, contribution)
    return back(operation_id, "#contributions")


@router.post("/operations/{operation_id}/tasks", include_in_schema=False)
def add_task(viewer: CurrentViewer, operation_id: int, text: Annotated[str, Form()],
             assignee: Annotated[str, Form()],
             due: Annotated[str, Form()] = "") -> RedirectResponse:
    with viewer.transaction() as conn:
        work.add_task(conn, viewer.principal, operation_id, text, assignee,
                      when(due, "due date"))
    return back(operation_id, "#tasks")


@router.post("/operations/{operation_id}/tasks/{task_id}", include_in_schema=False)
def task_state(viewer: CurrentViewer, operation_id: int, task_id: int,
               state: Annotated[str, Form()]) -> RedirectResponse:
    if state not in ("done", "open"):
        raise InvalidInput("mark a task done or open")
    with viewer.transaction() as conn:
        work.set_task_done(conn, viewer.principal, task_id, state == "done")
    return back(operation_id, "#tasks")


@router.post("/operations/{operation_id}/notes", include_in_schema=False)
def add_note(viewer: CurrentViewer, operation_id: int, text: Annotated[str, Form()],
             kind: Annotated[str, Form()] = "note",
             takedown: Annotated[str, Form()] = "") -> RedirectResponse:
    if kind not in ("note", "log"):
        raise InvalidInput("write a note or a live log entry")
    with viewer.transaction() as conn:
        note_id = work.add_note(conn, viewer.principal, operation_id, text, kind=kind,
                                takedown=lines(takedown))
        held = work.is_held(conn, note_id)
    if held:
        return RedirectResponse(f"/operations/{operation_id}?held_note={note_id}#notes",
                                status_code=303)
    return back(operation_id, "#notes" if kind == "note" else "#log")


@router.post("/operations/{operation_id}/action-days", include_in_schema=False)
def add_action_day(viewer: CurrentViewer, operation_id: int, at: Annotated[str, Form()],
                   country: Annotated[str, Form()], action: Annotated[str, Form()],
                   targets: Annotated[str, Form()] = "",
                   note: Annotated[str, Form()] = "") -> RedirectResponse:
    moment = when(at, "the action's time")
    if moment is None:
        raise InvalidInput("an action day needs its date and time")
    with viewer.transaction() as conn:
        work.add_action_day(conn, viewer.principal, operation_id, moment, country, action,
                            lines(targets), note or None)
    return back(operation_id, "#plan")


@router.post("/operations/{operation_id}/action-days/{day_id}", include_in_schema=False)
def decide(viewer: CurrentViewer, operation_id: int, day_id: int,
           decision: Annotated[str, Form()]) -> RedirectResponse:
    if decision not in ("go", "no-go"):
        raise InvalidInput("decide go or no-go")
    with viewer.transaction() as conn:
        work.decide(conn, viewer.principal, day_id, decision == "go")
    return back(operation_id, "#plan")
