"""What read paths return: plain, serialisable views shaped for one requesting organisation."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

ANONYMOUS_ORIGINATOR = "a partner"


@dataclass(frozen=True, slots=True)
class HandlingView:
    tlp: str
    pap: str
    audience: list[str]
    codes: list[str]
    h3_text: str | None
    anonymous: bool


@dataclass(frozen=True, slots=True)
class EvaluationView:
    scheme: str
    reliability: str | None
    credibility: str | None


@dataclass(frozen=True, slots=True)
class ContributionView:
    id: int
    parent_id: int | None
    originator: str
    received_at: datetime
    title: str | None
    source_name: str | None
    format: str
    handling: HandlingView
    evaluation: EvaluationView | None
    themes: list[str]
    tags: list[str]
    accepted: int
    duplicates: int
    rejected: int


@dataclass(frozen=True, slots=True)
class ObservationView:
    type: str
    value: str
    contribution_id: int
    originator: str
    first_seen: datetime | None
    last_seen: datetime | None
    role: str | None
    tags: list[str]
    handling: HandlingView
    evaluation: EvaluationView | None
    themes: list[str] = field(default_factory=list)
    warning: str | None = None  # a warninglist marks it as a likely false positive


@dataclass(frozen=True, slots=True)
class ContributionDetail:
    contribution: ContributionView
    observations: list[ObservationView]
    observation_count: int
    entity_count: int
    relationship_count: int


def to_dict(view: Any) -> dict[str, Any]:
    return asdict(view)
