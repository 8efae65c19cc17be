"""What a submission asks for and what it reports: shared by the ingest service and writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from intelpool.access.handling import HandlingRequest
from intelpool.formats.records import ImportOptions, Rejection

RejectionSink = Callable[[Rejection], None]
ProgressFn = Callable[[int, int], None]  # (records done, bytes read)


@dataclass(slots=True)
class Submission:
    path: Path
    handling: HandlingRequest
    format: str = "auto"
    options: ImportOptions = field(default_factory=ImportOptions)
    title: str | None = None
    themes: list[str] = field(default_factory=list)
    reliability: str | None = None
    credibility: str | None = None
    scheme: str | None = None
    source_name: str | None = None


@dataclass(slots=True)
class IngestSummary:
    contribution_id: int
    format: str
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    entities: int = 0
    relationships: int = 0
    extra_objects: int = 0
    parts: list[int] = field(default_factory=list)
    already_submitted: bool = False
    hits: int = 0  # hits this submission recorded or refreshed
    widespread: int = 0
    hit_partners: dict[str, int] = field(default_factory=dict)
