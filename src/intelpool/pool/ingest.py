"""The ingest service: provenance, handling, deduplication and storage of one submission.

A submission is one transaction: a failure anywhere leaves the pool as it was.
"""

from __future__ import annotations

import gc
import hashlib
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, false, func, select, update

from intelpool.access import Permission, Principal, require
from intelpool.access.evaluation import Scheme, decide_evaluation, parse_scheme
from intelpool.access.handling import Handling, decide_handling
from intelpool.audit import service as audit
from intelpool.config import Settings
from intelpool.db import bulk
from intelpool.db.tables import contributions, observables, organisations, sharing_groups
from intelpool.db.types import storable_text
from intelpool.errors import InvalidInput, NotFound
from intelpool.formats import registry
from intelpool.formats.records import Record
from intelpool.matching import engine
from intelpool.pool import stix_index
from intelpool.pool import summary as counts
from intelpool.pool.submission import IngestSummary, ProgressFn, RejectionSink, Submission
from intelpool.pool.themes import parse_themes
from intelpool.pool.writer import ContributionWriter

__all__ = ["IngestSummary", "ProgressFn", "RejectionSink", "Submission", "submit"]

def file_digest(path: Path) -> str:
    """SHA-256 of a file, or of a directory's file names and contents in name order."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode() + b"\0")
        with file.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def submit(
    conn: Connection,
    principal: Principal,
    submission: Submission,
    *,
    batch_size: int = 20_000,
    on_rejection: RejectionSink | None = None,
    progress: ProgressFn | None = None,
    settings: Settings | None = None,
) -> IngestSummary:
    """Store and match one submission inside ``conn``'s transaction (the caller commits or
    rolls back, so a failure anywhere leaves the pool as it was)."""
    require(principal, Permission.POOL_SUBMIT)
    assert principal.organisation_id is not None
    if not submission.path.exists():
        raise InvalidInput(f"cannot read {submission.path}: no such file or directory")
    for name, value in (("title", submission.title), ("source_name", submission.source_name)):
        if value is not None:
            storable_text(contributions.c[name], value, f"the {name.replace('_', ' ')}")
    handling = decide_handling(submission.handling)
    org_kind = conn.execute(
        select(organisations.c.kind).where(organisations.c.id == principal.organisation_id)
    ).scalar_one()
    default_scheme = Scheme.FOUR_BY_FOUR if org_kind == "law-enforcement" else Scheme.ADMIRALTY
    scheme = parse_scheme(submission.scheme) if submission.scheme else None
    evaluation = decide_evaluation(submission.reliability, submission.credibility, scheme,
                                   default_scheme)
    themes = parse_themes(submission.themes)
    audience_ids = _resolve_audience(conn, handling)
    content_hash = file_digest(submission.path)
    _one_at_a_time(conn, principal.organisation_id, content_hash)
    existing = conn.execute(
        select(contributions).where(
            contributions.c.originator_id == principal.organisation_id,
            contributions.c.content_hash == content_hash,
            contributions.c.handling_fingerprint == handling.fingerprint(),
            contributions.c.parent_id.is_(None),
        )
    ).mappings().first()
    if existing is not None:
        return IngestSummary(existing["id"], existing["format"], existing["accepted"],
                             existing["duplicates"], existing["rejected"], already_submitted=True)

    # The import's statements are batch work too: large batches of observations were JIT
    # compiled on PostgreSQL, and the summary's groupings spilled to disk with 4 MB.
    bulk.batch_settings(conn)
    with _records(submission) as (imp, records, position), _fewer_collections():
        themes = themes or list(imp.themes)
        with ContributionWriter(conn, principal, submission, handling, evaluation, themes,
                                audience_ids, content_hash, imp.name, batch_size,
                                on_rejection) as run:
            # Read once the transaction has written its contribution: on SQLite it holds the
            # writer lock from then on, so no other submission can add observables before ours.
            first_new = (conn.execute(select(func.max(observables.c.id))).scalar() or 0) + 1
            count = 0
            for record in records:
                run.take(record)
                count += 1
                if progress and count % 10_000 == 0:
                    progress(count, position())
            summary = run.finish(first_new)
        if progress:
            progress(count, position())
    stix_index.record(conn, [summary.contribution_id, *summary.parts], written=True)
    matched = engine.match_submission(conn, principal.organisation_id,
                                      [summary.contribution_id, *summary.parts],
                                      settings or Settings(), first_new)
    counts.mark_shared(conn, [summary.contribution_id, *summary.parts])
    summary.new_hits, summary.refreshed_hits = matched.new_hits, matched.refreshed_hits
    summary.widespread, summary.folded_hits = matched.widespread, matched.folded_hits
    summary.hit_partners = matched.partners
    audit.record(conn, principal, "contribution.submit", subject_type="contribution",
                 subject_id=summary.contribution_id,
                 subject_organisation_id=principal.organisation_id,
                 detail={"format": imp.name, "source": run.source_name, "accepted":
                         summary.accepted, "duplicates": summary.duplicates,
                         "rejected": summary.rejected, "parts": summary.parts,
                         "new_hits": summary.new_hits,
                         "refreshed_hits": summary.refreshed_hits})
    return summary


def _one_at_a_time(conn: Connection, org_id: int, content_hash: str) -> None:
    """Until commit, hold back another submission of the same file by the same organisation,
    so that the second finds the first and answers "already submitted" instead of storing it
    twice. PostgreSQL: a lock on the organisation and the file's hash. SQLite: its one writer
    lock, taken by a first write that changes nothing (reads before it saw older data)."""
    if conn.dialect.name == "sqlite":
        conn.execute(update(organisations).where(false()).values(id=organisations.c.id))
        return
    key = hashlib.sha256(f"submission:{org_id}:{content_hash}".encode()).digest()[:8]
    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%(key)s)",
                         {"key": int.from_bytes(key, "big", signed=True)})


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while records stream through.

    An import allocates millions of short-lived objects, none in cycles; at the default
    thresholds the collector ran every 700 of them and rescanned every survivor over and
    over, about a tenth of a STIX import's time.
    """
    before = gc.get_threshold()
    gc.set_threshold(10_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def _records(
    submission: Submission,
) -> Iterator[tuple[registry.Importer, Iterator[Record], Callable[[], int]]]:
    """The importer and its record stream; ``position`` tells the bytes read so far."""
    path, fmt = submission.path, submission.format
    if path.is_dir():
        imp = registry.directory_importer(fmt)
        assert imp.parse_directory is not None
        yield imp, imp.parse_directory(path, submission.options), lambda: 0
        return
    with io.BufferedReader(io.FileIO(path), buffer_size=1 << 20) as stream:
        head = stream.peek(registry.SNIFF_BYTES)[: registry.SNIFF_BYTES]
        imp = registry.detect_format(head) if fmt == "auto" else registry.get_importer(fmt)
        yield imp, imp.parse(stream, submission.options), stream.tell


def _resolve_audience(conn: Connection, handling: Handling) -> tuple[list[int], list[int]]:
    org_ids, group_ids = [], []
    for name in sorted(handling.audience.organisations):
        found = conn.execute(select(organisations.c.id).where(organisations.c.name == name))
        org_id = found.scalar()
        if org_id is None:
            raise NotFound(f"audience org:{name}: no organisation of that name")
        org_ids.append(org_id)
    for name in sorted(handling.audience.groups):
        group_id = conn.execute(
            select(sharing_groups.c.id).where(sharing_groups.c.name == name)
        ).scalar()
        if group_id is None:
            raise NotFound(f"audience group:{name}: no sharing group of that name")
        group_ids.append(group_id)
    return org_ids, group_ids
