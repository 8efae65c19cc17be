"""What importers yield and exporters receive: the pool's records, free of storage details.

Order contract for importers: a ``DocumentMeta`` (if any) comes before every other record;
relationship ends (``source_ref``/``target_ref``) name the ``ref`` of an observation or
entity record of the same file, or an id outside it (kept unresolved).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from intelpool.access.handling import PAP, TLP


@dataclass(frozen=True, slots=True)
class Marking:
    """Handling a file states for itself; it can only tighten the submitter's flags."""

    tlp: TLP | None = None
    pap: PAP | None = None
    codes: frozenset[str] = frozenset()  # handling codes H0-H3 the file states
    h3_text: str | None = None


@dataclass(slots=True)
class DocumentMeta:
    """What the file says about itself as a whole (MISP event tags, a bundle-wide marking)."""

    title: str | None = None
    marking: Marking | None = None
    themes: tuple[str, ...] = ()
    # Evaluation stated in the file (e.g. admiralty-scale tags): (scheme, reliability, credibility)
    evaluation: tuple[str, str | None, str | None] | None = None
    tags: tuple[str, ...] = ()  # the file's own labels, kept with its contribution


@dataclass(slots=True)
class ObservationRecord:
    value: str
    location: str  # where in the file: "line 12", "$.Event.Attribute[3]", a STIX id
    type: str | None = None  # observable type when the format states it; else detected
    role: str | None = None  # e.g. c2, phishing, payload-delivery, mule-account
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    tags: tuple[str, ...] = ()
    comment: str | None = None
    to_ids: bool | None = None
    ref: str | None = None  # the record's id in its source, for relationships
    marking: Marking | None = None  # an object's own (stricter) marking


@dataclass(slots=True)
class EntityRecord:
    kind: str  # threat-actor, intrusion-set, malware, tool, campaign, infrastructure, ...
    name: str
    location: str
    ref: str | None = None
    description: str | None = None
    aliases: tuple[str, ...] = ()
    body: dict[str, Any] | None = None  # the source object, kept to export it again
    marking: Marking | None = None


@dataclass(slots=True)
class RelationshipRecord:
    type: str  # indicates, uses, attributed-to, sighting-of, ...
    source_ref: str
    target_ref: str
    location: str
    ref: str | None = None
    body: dict[str, Any] | None = None
    marking: Marking | None = None


@dataclass(slots=True)
class ExtraObjectRecord:
    """An object the pool does not model (custom STIX types, ...): kept verbatim, exported again."""

    type: str
    body: dict[str, Any]
    location: str
    ref: str | None = None
    marking: Marking | None = None


@dataclass(slots=True)
class Rejection:
    location: str
    value: str
    reason: str


Record = (
    DocumentMeta
    | ObservationRecord
    | EntityRecord
    | RelationshipRecord
    | ExtraObjectRecord
    | Rejection
)


@dataclass(slots=True)
class ImportOptions:
    """Per-submission options an importer may use (e.g. a CSV column mapping)."""

    columns: dict[str, str] = field(default_factory=dict)
    delimiter: str | None = None
    default_type: str | None = None
