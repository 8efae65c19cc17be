"""What a submission asks for and what it reports: shared by the ingest service and writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from intelpool.access.handling import HandlingRequest
from intelpool.formats.records import ImportOptions, Rejection
from intelpool.matching.summary import PartnerHits

RejectionSink = Callable[[Rejection], None]
# (records done, bytes read); called while a batch may be in flight on the submission's
# connection, so it writes elsewhere (a rejection sink is called with the connection idle).
ProgressFn = Callable[[int, int], None]


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
    new_hits: int = 0  # hits this submission recorded first
    refreshed_hits: int = 0  # hits recorded before that this submission refreshed
    widespread: int = 0  # its selectors held by more organisations than the threshold
    folded_hits: int = 0  # earlier hits folded into a widespread record by this submission
    # By partner label: new and refreshed hits with that partner.
    hit_partners: dict[str, PartnerHits] = field(default_factory=dict)
