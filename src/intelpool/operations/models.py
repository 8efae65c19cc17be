"""Plain views of operations and requests for information, shaped for one organisation."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class Status(enum.StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    ACTION_DAY = "action-day"
    CLOSED = "closed"


class MemberRole(enum.StrEnum):
    LEAD = "lead"
    PARTICIPANT = "participant"
    OBSERVER = "observer"


ACTIONS = ("arrest", "search", "takedown", "seizure", "sinkhole", "other")
OUTCOMES = ("proceed", "joint", "delay", "cancel")


@dataclass(frozen=True, slots=True)
class OperationSummary:
    id: int
    name: str
    lead: str
    status: str
    confidential: bool
    your_role: str
    your_state: str  # joined, or invited when the operation waits for your answer
    created_at: datetime
    themes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MemberView:
    organisation: str
    country: str | None
    role: str
    state: str
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class TargetView:
    target: str  # "type value" or "entity NAME"
    linked_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TaskView:
    id: int
    operation_id: int
    operation: str
    text: str
    assignee: str  # organisation, or "email (organisation)"
    due_at: datetime | None
    done_at: datetime | None
    overdue: bool


@dataclass(frozen=True, slots=True)
class NoteView:
    id: int
    kind: str  # note, or log (the live log of an action day)
    text: str
    author: str
    organisation: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ActionDayView:
    id: int
    at: datetime
    country: str
    action: str
    targets: list[str]
    note: str | None
    decision: str | None  # go, no-go, or None while the lead has not decided


@dataclass(frozen=True, slots=True)
class OperationDetail:
    summary: OperationSummary
    description: str | None
    contact: str
    embargo_until: datetime | None
    members: list[MemberView]
    targets: list[TargetView]
    contributions: list[int]
    tasks: list[TaskView]
    notes: list[NoteView]
    plan: dict[str, list[ActionDayView]]  # country -> action days, in time order


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    actor: str
    action: str
    detail: dict[str, object]


@dataclass(frozen=True, slots=True)
class AlertView:
    """A deconfliction alert as one lead sees it: its own side, and who to call."""

    number: str
    kind: str  # target or action-day
    match: str  # exact, cidr, url-host, email-domain, subdomain, entity
    your_operation: int
    your_target: str
    other_lead: str  # "an operation of a partner" until a confidential lead reveals itself
    contact: str | None
    your_outcome: str | None
    other_outcome: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OperationPointer:
    """What ``intelpool deconflict`` may say about an operation touching a selector."""

    input: str
    target: str
    match: str
    lead: str
    contact: str | None


@dataclass(frozen=True, slots=True)
class RecipientView:
    organisation: str
    state: str  # submitted, accepted, declined, in-progress, answered
    reason: str | None


@dataclass(frozen=True, slots=True)
class AnswerView:
    id: int
    organisation: str
    item: int | None
    text: str
    contribution_id: int | None
    delivered: bool  # False: stricter than the requester accepts, awaiting consent
    at: datetime


@dataclass(frozen=True, slots=True)
class RfiView:
    id: int
    requester: str  # the host centre's name when asked on behalf of a partner
    question: str
    status: str  # open, closed, cancelled, expired, held
    your_part: str  # requester, recipient, or host (asked on behalf)
    tlp: str
    pap: str
    answer_tlp: str | None
    due_at: datetime | None
    created_at: datetime
    meeting_at: datetime | None = None  # a consultation's meeting
    agenda: str | None = None
    operation_id: int | None = None  # only shown to members of that operation
    items: list[str] = field(default_factory=list)
    selectors: list[str] = field(default_factory=list)
    recipients: list[RecipientView] = field(default_factory=list)
    answers: list[AnswerView] = field(default_factory=list)
    minutes: list[NoteView] = field(default_factory=list)
