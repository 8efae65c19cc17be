"""The one job API: queue a submission, follow it, list your organisation's jobs.

PostgreSQL hands jobs to ``intelpool worker`` processes through procrastinate; the
embedded SQLite pool runs them in-process (a detached runner of the same program). Callers
see no difference.
"""

from __future__ import annotations

import dataclasses
import tarfile
import tempfile
from pathlib import Path

from sqlalchemy import Connection, Engine

from intelpool.access import Permission, Principal, require
from intelpool.access.handling import decide_handling
from intelpool.errors import InvalidInput
from intelpool.jobs import records
from intelpool.jobs.views import JobView
from intelpool.pool.submission import Submission


def submit_in_background(conn: Connection, principal: Principal, submission: Submission,
                         *, operation: int | None = None) -> int:
    """Store the submission's file with a queued job and return the job's id.

    The handling is checked now, so a request the pool would refuse fails at once; the
    file itself is read by the worker, which reports its rejections on the job.
    """
    require(principal, Permission.POOL_SUBMIT)
    path = submission.path
    if not path.exists():
        raise InvalidInput(f"cannot read {path}: no such file or directory")
    decide_handling(submission.handling)
    with tempfile.TemporaryDirectory(prefix="intelpool-submit-") as scratch:
        packed = path
        if path.is_dir():
            packed = Path(scratch) / "packed.tar"
            with tarfile.open(packed, "w") as tar:
                tar.add(path, arcname=".")
        job_id = records.create(conn, principal, submission, packed, path.name,
                                {"directory": path.is_dir(), "operation": operation})
    hand_over(conn, job_id)
    return job_id


def hand_over(conn: Connection, job_id: int) -> None:
    """Give a job just stored to the queue (it appears when ``conn`` commits)."""
    if conn.dialect.name == "postgresql":
        from intelpool.jobs import pg_queue

        pg_queue.defer(conn, job_id)


def pull_in_background(conn: Connection, principal: Principal, name: str | None) -> int:
    """Queue a pull of one feed (None: every feed the caller manages); returns the job id."""
    from intelpool.pool import feeds

    require(principal, Permission.POOL_SUBMIT)
    feeds.list_feeds(conn, principal, name)  # a feed the caller has no business with: 404
    job_id = records.create_bare(conn, principal, "feed", {"feed": name},
                                 f"feed {name}" if name else "every feed")
    hand_over(conn, job_id)
    return job_id


def start_runner(url: str, engine: Engine) -> None:
    """After the job's transaction committed: on SQLite, start the in-process runner."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        from intelpool.jobs import local_queue

        local_queue.start_background_runner(url, engine)


def show(conn: Connection, principal: Principal, job_id: int,
         rejection_limit: int | None = 100) -> JobView:
    job = records.view(conn, principal, job_id, rejection_limit)
    if job.state == "running" and conn.dialect.name == "sqlite":
        from intelpool.jobs import local_queue

        done = local_queue.read_progress(conn.engine, job_id)
        if done is not None:
            job = dataclasses.replace(job, records_done=done[0], bytes_done=done[1])
    return job


def list_jobs(conn: Connection, principal: Principal, limit: int = 50) -> list[JobView]:
    return records.listing(conn, principal, limit)


def run_worker(engine: Engine, *, concurrency: int = 1, once: bool = False,
               heartbeat_seconds: float = 10.0, stalled_seconds: float = 30.0) -> None:
    """Run jobs: procrastinate's worker on PostgreSQL, the local runner on SQLite."""
    if engine.dialect.name == "postgresql":
        from intelpool.jobs import pg_queue

        pg_queue.run_worker(engine, concurrency=concurrency, once=once,
                            heartbeat_seconds=heartbeat_seconds,
                            stalled_seconds=stalled_seconds)
        return
    from intelpool.jobs import local_queue

    if once:
        local_queue.drain_and_warm(engine)
    else:
        local_queue.serve_forever(engine)
