"""Operations: open one (or from a proposed network), members, targets, tasks, notes, the
action day, and deconfliction alerts. Reading needs pool:read; leading operations:manage."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from intelpool.api.deps import AppSettings, Conn, OperationsManager, Reader, Submitter, Text
from intelpool.api.paging import (
    CursorParam,
    LimitParam,
    Page,
    offset_page,
    sort_param,
    sort_query,
    sorted_page,
)
from intelpool.db.sorting import Slice
from intelpool.operations import alerts, links, service, work
from intelpool.operations.models import (
    AlertView,
    OperationDetail,
    OperationSummary,
    TaskView,
    TimelineEntry,
)

router = APIRouter(tags=["operations"])

OperationId = Annotated[int, Path(ge=1, le=2**62)]
_Id = Annotated[int, Path(ge=1, le=2**62)]
AlertNumber = Annotated[str, Path(max_length=32, description="DC-N.")]
_Name = Annotated[Text, Field(min_length=1, max_length=200)]


class NewOperation(BaseModel):
    name: _Name
    themes: list[Annotated[Text, Field(max_length=64)]] = Field(default_factory=list)
    description: Text | None = Field(None, max_length=8000)
    confidential: bool = Field(False, description="Other leads learn only that a partner "
                                                  "works on a target, until you reveal.")
    from_network: Annotated[Text, Field(max_length=200)] | None = Field(
        None, description="Open it from this proposed network (its selectors linked).")


class Created(BaseModel):
    id: int


class Member(BaseModel):
    organisation: _Name


class Invitation(Member):
    role: Literal["participant", "observer"] = "participant"


class Links(BaseModel):
    values: list[Annotated[Text, Field(max_length=2000)]] = Field(default_factory=list)
    entities: list[_Name] = Field(default_factory=list)


class Linked(BaseModel):
    linked: list[str]


class NewTask(BaseModel):
    text: Text = Field(min_length=1, max_length=4000)
    assign: _Name = Field(description="A member organisation, or one of its users' e-mail.")
    due: datetime | None = None


class NoteText(BaseModel):
    text: Text = Field(min_length=1, max_length=20_000)


class NewNote(NoteText):
    takedown: list[Annotated[Text, Field(max_length=2000)]] = Field(
        default_factory=list, max_length=1000,
        description="Selectors the note asks to take down (as 'operation note --takedown').")


class NoteCreated(Created):
    held: bool = False  # held: it touches another lead's police target; that lead was told


class NewActionDay(BaseModel):
    at: datetime
    country: Annotated[Text, Field(min_length=2, max_length=2)]
    action: Annotated[Text, Field(min_length=1, max_length=64)]
    targets: list[Annotated[Text, Field(max_length=2000)]] = Field(default_factory=list)
    note: Text | None = Field(None, max_length=4000)


class Decision(BaseModel):
    go: bool


class NewStatus(BaseModel):
    status: Literal["planned", "active", "action-day", "closed"]


class Embargo(BaseModel):
    until: datetime | None = Field(description="The press embargo's end; null lifts it.")


class Renewal(BaseModel):
    months: int | None = Field(None, ge=1, le=120, description="Default: the pool's "
                                                                "deconfliction period.")


class Renewed(BaseModel):
    renewed: int  # targets kept in the deconfliction register


class Resolution(BaseModel):
    outcome: Literal["proceed", "joint", "delay", "cancel"]
    note: Text | None = Field(None, max_length=4000)


@router.get("/operations")
def list_operations(conn: Conn, caller: Reader,
                    state: Literal["joined", "invited"] | None = Query(None),
                    sort: str = sort_query(service.OPERATION_SORTS, "-id"),
                    limit: LimitParam = 100,
                    cursor: CursorParam = None) -> Page[OperationSummary]:
    """Operations your organisation leads, takes part in or is invited to, newest first."""
    sort = sort_param(sort, service.OPERATION_SORTS, "operations")
    return sorted_page(lambda part, before: service.operation_page(
        conn, caller, state, part, before), limit, cursor, sort, key=lambda o: o.id)


@router.post("/operations", status_code=201)
def create(conn: Conn, caller: OperationsManager, body: NewOperation) -> Created:
    """Open an operation led by your organisation."""
    return Created(id=service.create(conn, caller, body.name, themes=body.themes,
                                     description=body.description,
                                     confidential=body.confidential,
                                     from_network=body.from_network))


@router.get("/operations/{operation_id}")
def show(conn: Conn, caller: Reader, operation_id: OperationId) -> OperationDetail:
    """One operation: members, targets, contributions, tasks, notes, the plan by country."""
    return service.show(conn, caller, operation_id)


@router.get("/operations/{operation_id}/timeline")
def timeline(conn: Conn, caller: Reader, operation_id: OperationId) -> list[TimelineEntry]:
    """Every change to the operation, oldest first."""
    return service.timeline(conn, caller, operation_id)


@router.post("/operations/{operation_id}/invite")
def invite(conn: Conn, caller: OperationsManager, operation_id: OperationId,
           body: Invitation) -> OperationDetail:
    """Invite an organisation (the lead only)."""
    service.invite(conn, caller, operation_id, body.organisation, body.role)
    return service.show(conn, caller, operation_id)


@router.post("/operations/{operation_id}/join")
def join(conn: Conn, caller: OperationsManager, operation_id: OperationId) -> OperationDetail:
    """Accept your organisation's invitation."""
    service.join(conn, caller, operation_id)
    return service.show(conn, caller, operation_id)


@router.post("/operations/{operation_id}/decline", status_code=204)
def decline(conn: Conn, caller: OperationsManager, operation_id: OperationId) -> None:
    """Decline your organisation's invitation."""
    service.decline(conn, caller, operation_id)


@router.post("/operations/{operation_id}/remove")
def remove(conn: Conn, caller: OperationsManager, operation_id: OperationId,
           body: Member) -> OperationDetail:
    """Remove a member (the lead only): it loses access at once."""
    service.remove(conn, caller, operation_id, body.organisation)
    return service.show(conn, caller, operation_id)


@router.post("/operations/{operation_id}/links")
def link(conn: Conn, caller: Reader, operation_id: OperationId, body: Links) -> Linked:
    """Link selectors and entities to the operation (and the deconfliction register)."""
    return Linked(linked=links.link(conn, caller, operation_id, body.values, body.entities))


@router.post("/operations/{operation_id}/contributions/{contribution_id}", status_code=204)
def attach(conn: Conn, caller: Submitter, operation_id: OperationId,
           contribution_id: _Id) -> None:
    """Share an earlier contribution of yours with every member, under its own handling."""
    links.attach(conn, caller, operation_id, contribution_id)


@router.post("/operations/{operation_id}/tasks", status_code=201)
def add_task(conn: Conn, caller: Reader, operation_id: OperationId, body: NewTask) -> Created:
    """Add a task for a member organisation or one of its users."""
    return Created(id=work.add_task(conn, caller, operation_id, body.text, body.assign,
                                    body.due))


@router.post("/tasks/{task_id}/done", status_code=204)
def task_done(conn: Conn, caller: Reader, task_id: _Id) -> None:
    """Mark a task done."""
    work.set_task_done(conn, caller, task_id, True)


@router.post("/tasks/{task_id}/reopen", status_code=204)
def task_reopen(conn: Conn, caller: Reader, task_id: _Id) -> None:
    """Reopen a task."""
    work.set_task_done(conn, caller, task_id, False)


@router.get("/tasks")
def my_tasks(conn: Conn, caller: Reader,
             all: Annotated[bool, Query(description="Include done tasks.")] = False,
             limit: LimitParam = 100, cursor: CursorParam = None) -> Page[TaskView]:
    """Tasks assigned to you or your organisation, across operations."""
    return offset_page(lambda n, offset: work.my_tasks(
        conn, caller, open_only=not all, part=Slice(limit=n, offset=offset)), limit, cursor)


@router.post("/operations/{operation_id}/notes", status_code=201)
def note(conn: Conn, caller: Reader, operation_id: OperationId, body: NewNote) -> NoteCreated:
    """Add a note, signed by you and your organisation. A private partner's note asking to
    take down selectors that touch a police operation's target is held until that
    operation's lead releases it."""
    note_id = work.add_note(conn, caller, operation_id, body.text, takedown=body.takedown)
    return NoteCreated(id=note_id, held=work.is_held(conn, note_id))


@router.post("/operations/{operation_id}/log", status_code=201)
def log(conn: Conn, caller: Reader, operation_id: OperationId, body: NoteText) -> Created:
    """Write to the live log of the action day."""
    return Created(id=work.add_note(conn, caller, operation_id, body.text, kind="log"))


@router.post("/operations/{operation_id}/action-days", status_code=201)
def action_day(conn: Conn, caller: Reader, operation_id: OperationId,
               body: NewActionDay) -> Created:
    """Plan one country's action on the coordinated day."""
    return Created(id=work.add_action_day(conn, caller, operation_id, body.at, body.country,
                                          body.action, body.targets, body.note))


@router.post("/action-days/{action_day_id}/decide", status_code=204)
def decide(conn: Conn, caller: OperationsManager, action_day_id: _Id, body: Decision) -> None:
    """Go or no-go for an action day (the lead only)."""
    work.decide(conn, caller, action_day_id, body.go)


@router.post("/operations/{operation_id}/status")
def set_status(conn: Conn, caller: OperationsManager, operation_id: OperationId,
               body: NewStatus) -> OperationDetail:
    """Change the operation's status (the lead only); closed is read-only."""
    service.set_status(conn, caller, operation_id, body.status)
    return service.show(conn, caller, operation_id)


@router.post("/operations/{operation_id}/embargo")
def embargo(conn: Conn, caller: OperationsManager, operation_id: OperationId,
            body: Embargo) -> OperationDetail:
    """Set or lift the press embargo (the lead only)."""
    work.set_embargo(conn, caller, operation_id, body.until)
    return service.show(conn, caller, operation_id)


@router.post("/operations/{operation_id}/renew")
def renew(conn: Conn, caller: OperationsManager, settings: AppSettings,
          operation_id: OperationId, body: Renewal) -> Renewed:
    """Keep the linked targets in the deconfliction register longer (the lead only)."""
    return Renewed(renewed=service.renew(conn, caller, operation_id,
                                         body.months or settings.deconfliction_months))


@router.get("/deconfliction")
def list_alerts(conn: Conn, caller: Reader,
                sort: str = sort_query(alerts.ALERT_SORTS, "id"), limit: LimitParam = 100,
                cursor: CursorParam = None) -> Page[AlertView]:
    """Deconfliction alerts on operations your organisation leads, oldest first."""
    sort = sort_param(sort, alerts.ALERT_SORTS, "deconfliction alerts")
    return sorted_page(lambda part, before: alerts.alert_page(conn, caller, part, before),
                       limit, cursor, sort, key=lambda a: int(a.number.removeprefix("DC-")))


@router.post("/deconfliction/{alert}/resolve")
def resolve(conn: Conn, caller: OperationsManager, alert: AlertNumber,
            body: Resolution) -> AlertView:
    """Record your outcome on an alert; the pool never resolves a conflict by itself."""
    return alerts.resolve(conn, caller, alert, body.outcome, body.note)


@router.post("/operations/{operation_id}/deconfliction/{alert}/reveal")
def reveal(conn: Conn, caller: OperationsManager, operation_id: OperationId,
           alert: AlertNumber) -> AlertView:
    """Name your confidential operation's lead to the other lead of one alert."""
    return alerts.reveal(conn, caller, operation_id, alert)
