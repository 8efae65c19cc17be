"""Run one job: its submission and its outcome commit together, or not at all.

Whatever queue hands the job over, a job runs its submission in one transaction that also
marks it done; a worker killed mid-way leaves the pool and the job as they were (the job
still running until the queue gives it again), and a job already done is never run twice.
"""

from __future__ import annotations

import logging
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson
from sqlalchemy import Connection, Engine

from intelpool.config import Settings
from intelpool.errors import IntelpoolError
from intelpool.formats.records import Rejection
from intelpool.jobs import records

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
REJECTION_BATCH = 1_000
ProgressWriter = Callable[[int, int, int], None]  # (job id, records done, bytes read)


def run(engine: Engine, job_id: int, write_progress: ProgressWriter) -> str:
    """Run a job unless it has ended; returns its state afterwards."""
    with engine.begin() as conn:
        job = records.row(conn, job_id)
        if job is None or job["state"] in records.TERMINAL:
            return job["state"] if job else "gone"
        if job["attempts"] >= MAX_ATTEMPTS:  # its workers died each time: stop trying
            records.fail(conn, job_id, f"gave up after {job['attempts']} attempts whose "
                         "workers stopped mid-way", final=True)
            return "failed"
        attempt = records.start(conn, job_id)
        if attempt is None:  # another runner finished it since
            return str(records.row(conn, job_id)["state"])  # type: ignore[index]
    try:
        if job["kind"] == "feed":
            _pull(engine, job)
            return "done"
        with tempfile.TemporaryDirectory(prefix="intelpool-job-") as scratch:
            is_dir = bool(orjson.loads(str(job["request"])).get("directory"))
            path = _materialise(engine, job_id, str(job["file_name"]), is_dir, Path(scratch))
            with engine.begin() as conn:
                _lock(conn, job_id)
                if records.row(conn, job_id)["state"] in records.TERMINAL:  # type: ignore[index]
                    return "done"
                if job["kind"] == "taxii":
                    _taxii(conn, job, path)
                else:
                    _submit(conn, job, path, write_progress)
        return "done"
    except IntelpoolError as exc:  # the input or the request is at fault: retrying won't help
        with engine.begin() as conn:
            records.fail(conn, job_id, str(exc), final=True)
            _ended_badly(conn, job, str(exc))
        return "failed"
    except Exception as exc:
        log.exception("job %s attempt %s failed", job_id, attempt)
        with engine.begin() as conn:
            message = f"{type(exc).__name__}: {exc}"
            records.fail(conn, job_id, message, final=attempt >= MAX_ATTEMPTS)
            if attempt >= MAX_ATTEMPTS:
                _ended_badly(conn, job, message)
        raise


def _lock(conn: Connection, job_id: int) -> None:
    """One runner per job at a time on PostgreSQL (SQLite has one writer anyway)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%(key)s, %(id)s)",
                             {"key": 0x1B5, "id": job_id})


def _materialise(engine: Engine, job_id: int, name: str, is_dir: bool, scratch: Path) -> Path:
    """The job's file as it was submitted (a directory comes back from its tar)."""
    packed = scratch / ("packed.tar" if is_dir else name)
    with engine.connect() as conn, packed.open("wb") as out:
        for chunk in records.file_chunks(conn, job_id):
            out.write(chunk)
    if not is_dir:
        return packed
    target = scratch / name
    with tarfile.open(packed) as tar:
        tar.extractall(target, filter="data")
    return target


def _submit(conn: Connection, job: dict[str, object], path: Path,
            write_progress: ProgressWriter) -> None:
    from intelpool.pool import ingest

    job_id = int(job["id"])  # type: ignore[call-overload]
    submission, extra = records.submission_of(job, path)
    principal = records.submitter(conn, job)
    pending: list[Rejection] = []
    saved = [0]

    def on_rejection(rejection: Rejection) -> None:
        pending.append(rejection)
        if len(pending) >= REJECTION_BATCH:
            _flush(conn, job_id, pending, saved)

    done = [0, 0.0]

    def progress(count: int, position: int) -> None:
        done[0] = count
        if time.monotonic() - done[1] >= 1.0:
            done[1] = time.monotonic()
            write_progress(job_id, count, position)

    summary = ingest.submit(conn, principal, submission, batch_size=Settings().ingest_batch_size,
                            on_rejection=on_rejection, progress=progress)
    _flush(conn, job_id, pending, saved)
    if extra.get("operation") is not None:
        from intelpool.operations import links

        links.attach(conn, principal, int(extra["operation"]), summary.contribution_id,
                     again_ok=summary.already_submitted)
    records.finish(conn, job_id, summary, int(done[0]))


def _taxii(conn: Connection, job: dict[str, object], path: Path) -> None:
    """An envelope POSTed to a TAXII submit collection; its status says how it ended."""
    from intelpool.pool import taxii_submit

    job_id = int(job["id"])  # type: ignore[call-overload]
    summary = taxii_submit.run_job(conn, records.submitter(conn, job), job_id, path,
                                   Settings())
    records.finish(conn, job_id, summary, summary.accepted + summary.rejected
                   if summary else 0)


def _pull(engine: Engine, job: dict[str, object]) -> None:
    """A feed pull: each source in its own transaction (a retry pulls from where the last
    committed pull left its cursor, so nothing is stored twice)."""
    from intelpool.access import Permission, require
    from intelpool.pool import feeds

    job_id = int(job["id"])  # type: ignore[call-overload]
    with engine.begin() as conn:
        principal = records.submitter(conn, job)
    require(principal, Permission.POOL_SUBMIT)
    name = orjson.loads(str(job["request"])).get("feed")
    results = feeds.pull(engine, principal, name, Settings())
    with engine.begin() as conn:
        records.finish_pull(conn, job_id, results)


def _ended_badly(conn: Connection, job: dict[str, object], message: str) -> None:
    if job["kind"] == "taxii":
        from intelpool.pool import taxii_submit

        taxii_submit.job_failed(conn, int(job["id"]), message)  # type: ignore[call-overload]


def _flush(conn: Connection, job_id: int, pending: list[Rejection], saved: list[int]) -> None:
    records.save_rejections(conn, job_id, saved[0], pending)
    saved[0] += len(pending)
    pending.clear()
