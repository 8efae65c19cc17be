"""The job tables: create a job with its file, follow it, record its outcome.

Only this module queries the job tables. A job is visible to its submitter's organisation
only; to anyone else it reads exactly like a job that does not exist.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, delete, func, insert, select, update

from intelpool.access import Permission, Principal
from intelpool.access.handling import HandlingRequest
from intelpool.db.tables import job_files, job_rejections, jobs, users
from intelpool.errors import NotFound
from intelpool.formats.records import ImportOptions, Rejection
from intelpool.jobs.views import JobView, RejectionView
from intelpool.pool.submission import IngestSummary, Submission

CHUNK = 1 << 20  # bytes of the submitted file per stored row
_PERMISSIONS = frozenset(p.value for p in Permission)
TERMINAL = ("done", "failed")


def now() -> datetime:
    return datetime.now(UTC)


def create(conn: Connection, principal: Principal, submission: Submission, packed: Path,
           file_name: str, extra: dict[str, Any], kind: str = "submit") -> int:
    """A queued submission job holding ``packed`` (the file, or a directory as tar)."""
    request = {"handling": dataclasses.asdict(submission.handling),
               "options": dataclasses.asdict(submission.options),
               "format": submission.format, "title": submission.title,
               "themes": submission.themes, "reliability": submission.reliability,
               "credibility": submission.credibility, "scheme": submission.scheme,
               "source_name": submission.source_name or file_name, **extra}
    job_id = create_bare(conn, principal, kind, request, file_name, packed.stat().st_size)
    with packed.open("rb") as fh:
        for seq, data in enumerate(iter(lambda: fh.read(CHUNK), b"")):
            conn.execute(insert(job_files).values(job_id=job_id, seq=seq, data=data))
    return job_id


def create_bare(conn: Connection, principal: Principal, kind: str, request: dict[str, Any],
                file_name: str, file_size: int = 0) -> int:
    """A queued job of ``kind``; it runs with the permissions the caller has now (a token's
    scopes narrow them), never with more."""
    assert principal.organisation_id is not None and principal.user_id is not None
    request = {**request, "permissions": sorted(p.value for p in principal.permissions)}
    created = conn.execute(insert(jobs).values(
        kind=kind, organisation_id=principal.organisation_id, user_id=principal.user_id,
        state="queued", request=orjson.dumps(request).decode(), file_name=file_name[:255],
        file_size=file_size, created_at=now(), attempts=0, records_done=0,
        bytes_done=0)).inserted_primary_key
    assert created is not None
    return int(created[0])


def submission_of(row: dict[str, Any], path: Path) -> tuple[Submission, dict[str, Any]]:
    """The submission a job asked for, reading its file from ``path``, and its extras."""
    request = orjson.loads(row["request"])
    for own in ("permissions", "objects", "taxii_status"):  # the job's, not the submission's
        request.pop(own, None)
    sub = Submission(path=path, handling=HandlingRequest(**request.pop("handling")),
                     options=ImportOptions(**request.pop("options")),
                     format=request.pop("format"), title=request.pop("title"),
                     themes=request.pop("themes"), reliability=request.pop("reliability"),
                     credibility=request.pop("credibility"), scheme=request.pop("scheme"),
                     source_name=request.pop("source_name"))
    return sub, request


def file_chunks(conn: Connection, job_id: int) -> Iterator[bytes]:
    last = -1
    while True:  # one chunk per query: memory stays flat however large the file
        row = conn.execute(select(job_files.c.seq, job_files.c.data).where(
            job_files.c.job_id == job_id, job_files.c.seq > last)
            .order_by(job_files.c.seq).limit(1)).first()
        if row is None:
            return
        last = row.seq
        yield bytes(row.data)


def row(conn: Connection, job_id: int) -> dict[str, Any] | None:
    found = conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
    return dict(found) if found else None


def submitter_email(conn: Connection, user_id: int) -> str:
    return str(conn.execute(select(users.c.email).where(users.c.id == user_id)).scalar_one())


def submitter(conn: Connection, row: dict[str, Any]) -> Principal:
    """Who a job runs as: its submitter as the pool knows them now (a deactivated user's job
    fails), narrowed to the permissions recorded when it was queued."""
    from intelpool.partners.identity import principal_for_email

    principal = principal_for_email(conn, submitter_email(conn, int(row["user_id"])))
    recorded = orjson.loads(row["request"]).get("permissions")
    if recorded is None:  # queued before jobs recorded permissions: the console's own
        return principal
    allowed = frozenset(Permission(p) for p in recorded if p in _PERMISSIONS)
    return dataclasses.replace(principal, permissions=principal.permissions & allowed)


def start(conn: Connection, job_id: int) -> int | None:
    """Mark a job running; returns its attempt number, or None if it has ended meanwhile."""
    started = conn.execute(update(jobs).where(jobs.c.id == job_id,
                                              jobs.c.state.not_in(TERMINAL)).values(
        state="running", started_at=now(), attempts=jobs.c.attempts + 1))
    if started.rowcount == 0:
        return None
    return int(conn.execute(select(jobs.c.attempts).where(jobs.c.id == job_id)).scalar_one())


def progress(conn: Connection, job_id: int, records: int, done_bytes: int) -> None:
    conn.execute(update(jobs).where(jobs.c.id == job_id, jobs.c.state == "running")
                 .values(records_done=records, bytes_done=done_bytes))


def save_rejections(conn: Connection, job_id: int, first_seq: int,
                    batch: list[Rejection]) -> None:
    if batch:
        conn.execute(insert(job_rejections), [
            {"job_id": job_id, "seq": first_seq + i, "location": r.location,
             "value": r.value, "reason": r.reason} for i, r in enumerate(batch)])


def finish(conn: Connection, job_id: int, summary: IngestSummary | None, records: int) -> None:
    """A job done; no summary when nothing could be stored (its outcome says why)."""
    _done(conn, job_id, dataclasses.asdict(summary) if summary else None, records,
          summary.contribution_id if summary else None)


def finish_pull(conn: Connection, job_id: int, results: Sequence[Any]) -> None:
    """A feed pull done: each source's result (a failing source says why)."""
    pulled = [dataclasses.asdict(r) for r in results]
    summary = {"feeds": pulled, "accepted": sum(r["accepted"] for r in pulled),
               "rejected": sum(r["rejected"] for r in pulled)}
    first = next((r["contribution_id"] for r in pulled if r["contribution_id"]), None)
    _done(conn, job_id, summary, sum(r["fetched"] for r in pulled), first)


def _done(conn: Connection, job_id: int, summary: dict[str, Any] | None, records: int,
          contribution_id: int | None) -> None:
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(
        state="done", finished_at=now(), error=None, records_done=records,
        bytes_done=jobs.c.file_size, contribution_id=contribution_id,
        summary=orjson.dumps(summary).decode() if summary is not None else None))
    conn.execute(delete(job_files).where(job_files.c.job_id == job_id))


def fail(conn: Connection, job_id: int, error: str, *, final: bool) -> None:
    """Record an attempt's error; a final failure ends the job and drops its file."""
    values: dict[str, Any] = {"error": error}
    if final:
        values |= {"state": "failed", "finished_at": now()}
        conn.execute(delete(job_files).where(job_files.c.job_id == job_id))
        conn.execute(delete(job_rejections).where(job_rejections.c.job_id == job_id))
    else:
        values["state"] = "queued"
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))


def requeue_running(conn: Connection) -> list[int]:
    """Jobs left running by a runner that died: queued again (their work rolled back)."""
    ids = [int(i) for i in conn.execute(select(jobs.c.id).where(jobs.c.state == "running"))
           .scalars()]
    if ids:
        conn.execute(update(jobs).where(jobs.c.id.in_(ids)).values(state="queued"))
    return ids


def next_queued(conn: Connection) -> int | None:
    found = conn.execute(select(func.min(jobs.c.id)).where(jobs.c.state == "queued")).scalar()
    return int(found) if found is not None else None


def _visible(principal: Principal) -> Any:
    # The one rule for jobs: the submitter's organisation, nobody else (the console operator
    # has no organisation and sees none).
    return jobs.c.organisation_id == principal.organisation_id


def view(conn: Connection, principal: Principal, job_id: int,
         rejection_limit: int | None = 100) -> JobView:
    found = conn.execute(_select().where(jobs.c.id == job_id, _visible(principal))
                         ).mappings().first()
    if found is None:
        raise NotFound(f"no job {job_id}")
    query = (select(job_rejections.c.location, job_rejections.c.value, job_rejections.c.reason)
             .where(job_rejections.c.job_id == job_id).order_by(job_rejections.c.seq))
    if rejection_limit is not None:
        query = query.limit(rejection_limit)
    rejections = [RejectionView(*r) for r in conn.execute(query)]
    return _to_view(found, rejections)


def listing(conn: Connection, principal: Principal, limit: int) -> list[JobView]:
    rows = conn.execute(_select().where(_visible(principal))
                        .order_by(jobs.c.id.desc()).limit(limit)).mappings()
    return [_to_view(r, []) for r in rows]


def _select() -> Any:
    return select(jobs, users.c.email).join(users, users.c.id == jobs.c.user_id)


def _to_view(r: Any, rejections: list[RejectionView]) -> JobView:
    summary = orjson.loads(r["summary"]) if r["summary"] else None
    return JobView(id=r["id"], kind=r["kind"], state=r["state"], submitted_by=r["email"],
                   file_name=r["file_name"], file_size=r["file_size"],
                   created_at=r["created_at"], started_at=r["started_at"],
                   finished_at=r["finished_at"], attempts=r["attempts"],
                   records_done=r["records_done"], bytes_done=r["bytes_done"],
                   contribution_id=r["contribution_id"], summary=summary, error=r["error"],
                   rejected=int(summary.get("rejected") or 0) if summary else 0,
                   rejections=rejections)
