"""What a submitter sees of a job."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class RejectionView:
    location: str
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class JobView:
    id: int
    kind: str
    state: str  # queued, running, done, failed
    submitted_by: str
    file_name: str
    file_size: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int
    records_done: int
    bytes_done: int
    contribution_id: int | None
    summary: dict[str, Any] | None
    error: str | None
    rejected: int
    rejections: list[RejectionView] = field(default_factory=list)
