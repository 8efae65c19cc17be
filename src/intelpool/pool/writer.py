"""One submission being written: its contribution rows (main and stricter-marked parts),
staged records and counters. The ingest service drives it; nothing else uses it."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import orjson
from sqlalchemy import Connection, Table, func, insert, select, update

from intelpool.access import Principal
from intelpool.access.evaluation import Evaluation, Scheme, decide_evaluation, parse_scheme
from intelpool.access.handling import Handling
from intelpool.db.overlap import Writes
from intelpool.db.tables import (
    contribution_audience_groups,
    contribution_audience_orgs,
    contribution_themes,
    contributions,
    entities,
    extra_objects,
    observations,
    relationships,
)
from intelpool.db.types import declared_length, utcnow
from intelpool.errors import InvalidInput
from intelpool.formats.records import (
    DocumentMeta,
    EntityRecord,
    ExtraObjectRecord,
    Marking,
    ObservationRecord,
    Record,
    Rejection,
    RelationshipRecord,
)
from intelpool.observables import InvalidObservable, parse_selector
from intelpool.pool import summary, written
from intelpool.pool.staging import (
    OBJECT_COLUMNS,
    ObservationStager,
    insert_objects,
    resolve_relationships,
)
from intelpool.pool.submission import IngestSummary, RejectionSink, Submission
from intelpool.pool.themes import parse_themes


def _limits(table: Table, *columns: str) -> tuple[tuple[str, int], ...]:
    return tuple((name, declared_length(table.c[name])) for name in columns)


# What PostgreSQL refuses and SQLite stores: a NUL character in text, and a value longer than
# its column declares. Such a value rejects its record, the same on both stores, rather than
# failing the whole import on one of them.
_TEXT: dict[type, tuple[str, ...]] = {
    ObservationRecord: ("role", "ref", "comment"),
    EntityRecord: ("kind", "name", "ref", "description"),
    RelationshipRecord: ("type", "source_ref", "target_ref", "ref"),
    ExtraObjectRecord: ("type", "ref"),
}
NAME_LENGTH = declared_length(entities.c.name)  # longer names and titles are shortened
TITLE_LENGTH = declared_length(contributions.c.title)
_LIMITS: dict[type, tuple[tuple[str, int], ...]] = {
    ObservationRecord: _limits(observations, "role", "ref"),
    EntityRecord: _limits(entities, "kind", "ref"),
    RelationshipRecord: _limits(relationships, "type", "source_ref", "target_ref", "ref"),
    ExtraObjectRecord: _limits(extra_objects, "type", "ref"),
}


class ContributionWriter:
    """One submission in progress: its contribution rows, staged records and counters."""

    def __init__(self, conn: Connection, principal: Principal, submission: Submission,
                 handling: Handling, evaluation: Evaluation | None, themes: list[str],
                 audience_ids: tuple[list[int], list[int]], content_hash: str,
                 format_name: str, batch_size: int, on_rejection: RejectionSink | None) -> None:
        self.conn, self.principal, self.evaluation = conn, principal, evaluation
        self.themes, self.audience_ids, self.content_hash = themes, audience_ids, content_hash
        self.format_name, self.batch_size, self.on_rejection = format_name, batch_size, on_rejection
        self.handling = handling
        self.title = submission.title
        self.tags: str | None = None  # JSON list, from the file's DocumentMeta
        self.source_name = submission.source_name or submission.path.name
        # Batches are stored while the next ones are parsed (``db/overlap.py``): every other
        # use of the connection below waits for the batch in flight first.
        self.writes = Writes(conn)
        self.stager = ObservationStager(conn, batch_size, self.writes)
        self.parts: dict[Handling, int] = {}
        self.by_marking: dict[Marking, int] = {}  # most records repeat a few markings
        self.last_marking: Marking | None = None
        self.last_target = 0
        self.main_id = self._contribution(handling, parent_id=None)
        self.rejected = 0
        self.buffers: dict[str, list[tuple[Any, ...]]] = {t: [] for t in OBJECT_COLUMNS}
        self.counts = dict.fromkeys(OBJECT_COLUMNS, 0)

    def __enter__(self) -> ContributionWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        """The connection is idle again once the writer is left, whatever happened."""
        self.writes.__exit__(kind, error, trace)

    def _contribution(self, handling: Handling, parent_id: int | None) -> int:
        self.writes.wait()
        ev = self.evaluation
        cid: int = self.conn.execute(
            insert(contributions).values(
                parent_id=parent_id, originator_id=self.principal.organisation_id,
                submitter_id=self.principal.user_id, received_at=utcnow(), title=self.title,
                tags=self.tags,
                source_name=self.source_name, format=self.format_name,
                content_hash=self.content_hash, handling_fingerprint=handling.fingerprint(),
                tlp=handling.tlp.value, pap=handling.pap.value,
                handling_codes=",".join(sorted(c.value for c in handling.codes)),
                h3_text=handling.h3_text, anonymous=handling.anonymous,
                audience_pool=handling.audience.pool,
                eval_scheme=ev.scheme.value if ev else None,
                reliability=ev.reliability if ev else None,
                credibility=ev.credibility if ev else None,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        org_ids, group_ids = self.audience_ids
        if org_ids:
            self.conn.execute(insert(contribution_audience_orgs),
                              [{"contribution_id": cid, "organisation_id": o} for o in org_ids])
        if group_ids:
            self.conn.execute(insert(contribution_audience_groups),
                              [{"contribution_id": cid, "group_id": g} for g in group_ids])
        if self.themes:
            self.conn.execute(insert(contribution_themes),
                              [{"contribution_id": cid, "theme": t} for t in self.themes])
        self.parts[handling] = cid
        return cid

    def _target(self, marking: Marking | None) -> int:
        """The contribution a record belongs to: the main one, or the part for its marking."""
        if marking is None:
            return self.main_id
        if marking is self.last_marking:  # importers share one instance per marking
            return self.last_target
        cid = self.by_marking.get(marking)
        if cid is None:
            handling = self.handling.tightened(marking.tlp, marking.pap, marking.codes,
                                               marking.h3_text)
            cid = self.parts.get(handling)
            if cid is None:
                cid = self._contribution(handling, parent_id=self.main_id)
            self.by_marking[marking] = cid
        self.last_marking, self.last_target = marking, cid
        return cid

    def reject(self, rejection: Rejection) -> None:
        self.rejected += 1
        if self.on_rejection:
            self.writes.wait()  # the caller's sink may write through the same connection
            self.on_rejection(rejection)

    def take(self, record: Record) -> None:
        if isinstance(record, ObservationRecord):
            try:
                kind, value = parse_selector(record.value, record.type)
            except InvalidObservable as exc:
                # A masked value stands in for what must never be stored (a card number).
                shown = exc.shown_value if exc.shown_value is not None else record.value
                self.reject(Rejection(record.location, shown, str(exc)))
                return
            # Most feed lines carry none of the checked texts: skip the check at once.
            if record.role or record.ref or record.comment:
                problem = _unstorable(record)
                if problem is not None:
                    self.reject(Rejection(record.location, record.value, problem))
                    return
            self.stager.add(self._target(record.marking), kind, value, record)
        elif isinstance(record, Rejection):
            self.reject(record)
        elif isinstance(record, DocumentMeta):
            self._apply_meta(record)
        elif (problem := _unstorable(record)) is not None:
            self.reject(Rejection(record.location, record.ref or "", problem))
        elif isinstance(record, EntityRecord):
            self._buffer("entities", (
                self._target(record.marking), record.kind, record.name[:NAME_LENGTH], record.ref,
                record.description, _json(list(record.aliases)) if record.aliases else None,
                _json(record.body)))
        elif isinstance(record, RelationshipRecord):
            self._buffer("relationships", (
                self._target(record.marking), record.type, record.source_ref,
                record.target_ref, record.ref, _json(record.body)))
        elif isinstance(record, ExtraObjectRecord):
            self._buffer("extra_objects", (self._target(record.marking), record.type,
                                           record.ref, _json(record.body)))

    def _buffer(self, table: str, row: tuple[Any, ...]) -> None:
        buffer = self.buffers[table]
        buffer.append(row)
        self.counts[table] += 1
        if len(buffer) >= self.batch_size:
            self._flush_objects()

    def _flush_objects(self) -> None:
        buffers = {table: rows for table, rows in self.buffers.items() if rows}
        self.buffers = {t: [] for t in OBJECT_COLUMNS}
        if buffers:
            self.writes.submit(self._store_objects, buffers)

    def _store_objects(self, buffers: dict[str, list[tuple[Any, ...]]]) -> None:
        for table, rows in buffers.items():
            insert_objects(self.conn, table, rows)

    def _apply_meta(self, meta: DocumentMeta) -> None:
        if self.stager.records or any(self.counts.values()):
            raise InvalidInput("importer error: document metadata must precede its records")
        self.writes.wait()
        values: dict[str, Any] = {}
        if meta.title and not self.title:
            if "\x00" in meta.title:
                raise InvalidInput("the file's title contains a NUL character")
            values["title"] = meta.title[:TITLE_LENGTH]
        if meta.tags:
            self.tags = values["tags"] = _json(list(dict.fromkeys(meta.tags)))
        if meta.marking:
            m = meta.marking
            tightened = self.handling.tightened(m.tlp, m.pap, m.codes, m.h3_text)
            values.update(tlp=tightened.tlp.value, pap=tightened.pap.value,
                          audience_pool=tightened.audience.pool,
                          handling_codes=",".join(sorted(c.value for c in tightened.codes)),
                          h3_text=tightened.h3_text,
                          handling_fingerprint=self.handling.fingerprint())
            del self.parts[self.handling]
            self.handling = tightened
            self.parts[tightened] = self.main_id
        if meta.evaluation and self.evaluation is None:
            scheme, rel, cred = meta.evaluation
            ev = decide_evaluation(rel, cred, parse_scheme(scheme), Scheme.ADMIRALTY)
            if ev:
                self.evaluation = ev
                values.update(eval_scheme=ev.scheme.value, reliability=ev.reliability,
                              credibility=ev.credibility)
        new_themes = [t for t in parse_themes(meta.themes) if t not in self.themes]
        if new_themes:
            self.conn.execute(insert(contribution_themes),
                              [{"contribution_id": self.main_id, "theme": t} for t in new_themes])
            self.themes += new_themes
        if values:
            self.conn.execute(
                update(contributions).where(contributions.c.id == self.main_id).values(**values)
            )

    def finish(self, first_new: int | None = None) -> IngestSummary:
        """Write what is staged and count it; observables from id ``first_new`` on may be
        this submission's own (``pool/written.py``)."""
        self.stager.flush()
        self._flush_objects()
        self.writes.wait()
        ids = sorted(self.parts.values())
        if self.counts["relationships"]:
            resolve_relationships(self.conn, ids)
        written.fill(self.conn, ids, first_new)
        summary.record_written(self.conn, ids)
        per_part: dict[int, int] = dict(
            self.conn.execute(
                select(observations.c.contribution_id, func.count())
                .where(observations.c.contribution_id.in_(ids))
                .group_by(observations.c.contribution_id)
            ).all()
        )
        accepted = sum(per_part.values())
        duplicates = self.stager.records - accepted
        for cid in ids:
            self.conn.execute(update(contributions).where(contributions.c.id == cid).values(
                accepted=per_part.get(cid, 0),
                duplicates=duplicates if cid == self.main_id else 0,
                rejected=self.rejected if cid == self.main_id else 0))
        return IngestSummary(
            self.main_id, self.format_name, accepted, duplicates, self.rejected,
            self.counts["entities"], self.counts["relationships"], self.counts["extra_objects"],
            parts=[i for i in ids if i != self.main_id],
        )


def _unstorable(record: ObservationRecord | EntityRecord | RelationshipRecord
                | ExtraObjectRecord) -> str | None:
    """Why ``record`` cannot be stored as it is; None when it can."""
    kind = type(record)
    for name in _TEXT[kind]:
        value = getattr(record, name)
        if value is not None and "\x00" in value:
            return f"{name} contains a NUL character"
    for name, limit in _LIMITS[kind]:
        value = getattr(record, name)
        if value is not None and len(value) > limit:
            return f"{name} is longer than {limit} characters"
    return None


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()
