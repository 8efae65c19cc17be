"""What exporters receive: data already computed for one requesting organisation.

The export service (``pool/export.py``) runs the visibility predicate in SQL and streams these;
an exporter only translates them, carrying each record's handling into the output format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any


@dataclass(frozen=True, slots=True)
class ExportHandling:
    """The handling of the contribution a record came from, as the requester may know it."""

    contribution_id: int
    originator: str  # organisation name, or "a partner" when anonymous to the requester
    tlp: str  # clear, green, amber, amber+strict, red
    pap: str  # clear, green, amber, red
    codes: tuple[str, ...] = ()  # H0, H1, H2, H3
    h3_text: str | None = None
    audience: tuple[str, ...] = ()  # pool, org:NAME, group:NAME
    anonymous: bool = False
    eval_scheme: str | None = None  # admiralty or 4x4
    reliability: str | None = None
    credibility: str | None = None
    themes: tuple[str, ...] = ()
    title: str | None = None  # the contribution's title, as its originator gave it
    tags: tuple[str, ...] = ()  # the file's own labels (MISP event tags) the pool kept
    # When the contribution arrived: objects built from records are dated by it, so every
    # channel (export, TAXII) gives them the same version.
    received_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ExportObservation:
    type: str
    value: str  # canonical
    handling: ExportHandling
    role: str | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    tags: tuple[str, ...] = ()
    comment: str | None = None
    to_ids: bool | None = None
    ref: str | None = None  # id in its source file, when it had one
    # An earlier contribution holds the same selector: this indicator gets an id of its own.
    held_earlier: bool = False


@dataclass(frozen=True, slots=True)
class ExportEntity:
    kind: str
    name: str
    handling: ExportHandling
    ref: str | None = None
    description: str | None = None
    aliases: tuple[str, ...] = ()
    body: dict[str, Any] | None = None
    row_id: int = 0
    # The parts (after upgrading to 2.1) an earlier contribution already holds in the same
    # version: they go out under an id of their own (see ``pool/stix_ids.py``).
    renamed: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class ExportEnd:
    """One end of a relationship: an observable (type, value), an entity (ref), or an id the
    pool never resolved (ref only, kind ``external``)."""

    kind: str  # observable, entity, external
    ref: str | None = None
    type: str | None = None  # an observable's type, an entity's kind
    value: str | None = None


@dataclass(frozen=True, slots=True)
class ExportRelationship:
    type: str
    source: ExportEnd
    target: ExportEnd
    handling: ExportHandling
    ref: str | None = None
    body: dict[str, Any] | None = None
    row_id: int = 0
    renamed: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class ExportExtraObject:
    type: str
    body: dict[str, Any]
    handling: ExportHandling
    ref: str | None = None
    row_id: int = 0
    renamed: frozenset[int] = frozenset()


@dataclass(slots=True)
class ExportData:
    """Streams of one requester's visible records; each call starts a fresh iteration."""

    requester: str  # the requesting organisation's name
    generated_at: datetime
    observations: Callable[[], Iterator[ExportObservation]]
    entities: Callable[[], Iterator[ExportEntity]] = field(default=lambda: iter(()))
    relationships: Callable[[], Iterator[ExportRelationship]] = field(default=lambda: iter(()))
    extra_objects: Callable[[], Iterator[ExportExtraObject]] = field(default=lambda: iter(()))
    observable_type: str | None = None  # set when the user asked for one type (blocklist)


# An exporter writes ``data`` to the binary stream ``out``.
WriteFn = Callable[[ExportData, IO[bytes]], None]
