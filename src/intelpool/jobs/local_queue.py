"""Jobs on the embedded SQLite pool: run in-process, one at a time, no queue engine needed.

The job records live in the pool itself; a runner holds an exclusive lock on a file beside
the pool while it works, so a second runner waits, and a job found 'running' by the runner
holding the lock was left by one that died: its transaction never committed, it runs again.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
from sqlalchemy import Engine

from intelpool.errors import NotSupported
from intelpool.jobs import records, runner

log = logging.getLogger(__name__)


def spool_dir(engine: Engine) -> Path:
    """``pool.db.jobs/`` beside the pool: the runner's lock, progress and log."""
    database = engine.url.database
    if not database or database == ":memory:":
        raise NotSupported("background jobs need a pool stored in a file")
    path = Path(database + ".jobs")
    path.mkdir(exist_ok=True)
    return path


@contextmanager
def runner_lock(engine: Engine, *, wait: bool = True) -> Iterator[bool]:
    with (spool_dir(engine) / "runner.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True


def drain(engine: Engine, *, wait: bool = True) -> int:
    """Run queued jobs until none is left; returns how many ran."""
    ran = 0
    with runner_lock(engine, wait=wait) as held:
        if not held:
            return 0
        with engine.begin() as conn:
            records.requeue_running(conn)
        while True:
            with engine.begin() as conn:
                job_id = records.next_queued(conn)
            if job_id is None:
                return ran
            # A failure is recorded on the job (and retried up to its limit); the queue goes on.
            with contextlib.suppress(Exception):
                runner.run(engine, job_id, lambda j, n, b: write_progress(engine, j, n, b))
            _progress_file(engine, job_id).unlink(missing_ok=True)
            ran += 1


def serve_forever(engine: Engine, poll_seconds: float = 1.0) -> None:
    while True:
        drain_and_warm(engine)
        time.sleep(poll_seconds)


def drain_and_warm(engine: Engine) -> int:
    """Run the queued jobs; when any ran, recompute the analyses their data made stale
    (after the queue's lock is let go, so the next submission does not wait for it)."""
    ran = drain(engine)
    if ran:
        from intelpool.analysis import warm

        try:
            warm.refresh(engine)
        except Exception:  # the jobs are done; a reader recomputes what is left stale
            log.exception("refreshing the analyses after %d job(s) failed", ran)
    return ran


def start_background_runner(url: str, engine: Engine) -> None:
    """A detached ``intelpool worker --once`` runs the queue, so the caller returns at once."""
    log = (spool_dir(engine) / "worker.log").open("ab")
    subprocess.Popen([sys.executable, "-m", "intelpool", "worker", "--once", "--db", url],
                     stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                     start_new_session=True, env=os.environ.copy())
    log.close()


def _progress_file(engine: Engine, job_id: int) -> Path:
    return spool_dir(engine) / f"job-{job_id}.progress"


def write_progress(engine: Engine, job_id: int, records_done: int, bytes_done: int) -> None:
    # The running submission holds SQLite's one write lock: progress goes beside the pool.
    path = _progress_file(engine, job_id)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(orjson.dumps([records_done, bytes_done]))
    tmp.replace(path)


def read_progress(engine: Engine, job_id: int) -> tuple[int, int] | None:
    try:
        records_done, bytes_done = orjson.loads(_progress_file(engine, job_id).read_bytes())
    except (FileNotFoundError, ValueError):
        return None
    return int(records_done), int(bytes_done)
