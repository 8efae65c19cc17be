"""A worker killed in the middle of a submission: the job is retried, and the pool shows
either nothing or everything of it, never half and never twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from intelpool.access.handling import HandlingRequest
from intelpool.db.tables import contributions, jobs, observations
from intelpool.jobs import service
from intelpool.partners.identity import principal_for_email
from intelpool.pool.submission import Submission
from tests import factories as f
from tests.conftest import Store

# Runs the worker with matching made to stop and wait: by then every observation of the
# submission has been written inside its transaction, none committed.
PAUSING_WORKER = """
import sys, time
from pathlib import Path
from intelpool.matching import engine

def pause(*args, **kwargs):
    Path(sys.argv[1]).write_text("inside the submission")
    time.sleep(3600)

engine.match_submission = pause
from intelpool.cli.main import app
app(sys.argv[2:], prog_name="intelpool")
"""
FAST = ["--heartbeat", "0.5", "--stalled", "5"]


def _wait_for(what: str, check: Callable[[], bool], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _count(store: Store, table: object) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def _job(store: Store, job_id: int) -> tuple[str, int]:
    with store.engine.connect() as conn:
        row = conn.execute(select(jobs.c.state, jobs.c.attempts).where(jobs.c.id == job_id))
        state, attempts = row.one()
    return state, attempts


def test_a_killed_worker_leaves_nothing_and_the_retry_stores_everything_once(
        jobs_store: Store, tmp_path: Path) -> None:
    store = jobs_store
    lines = [f"198.51.{i // 250}.{i % 250 + 1}" for i in range(600)]
    path = tmp_path / "large.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with store.begin() as conn:
        police = f.member(conn, "Police DE")
        job_id = service.submit_in_background(
            conn, principal_for_email(conn, police.email),
            Submission(path=path, handling=HandlingRequest(tlp="green")))
    script = tmp_path / "pausing_worker.py"
    script.write_text(PAUSING_WORKER)
    marker = tmp_path / "paused"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    first = subprocess.Popen([sys.executable, str(script), str(marker), "worker", "--db",
                              store.url, *FAST], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        _wait_for("the first worker inside the submission", marker.exists)
        assert _job(store, job_id) == ("running", 1)
        with store.begin() as conn:  # progress shows while the submission is open
            follower = principal_for_email(conn, police.email)
            assert service.show(conn, follower, job_id).records_done == len(lines)
        assert (_count(store, contributions), _count(store, observations)) == (0, 0)
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    assert (_count(store, contributions), _count(store, observations)) == (0, 0)

    second = subprocess.Popen([sys.executable, "-m", "intelpool", "worker", "--db", store.url,
                               *FAST], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        _wait_for("the retried job", lambda: _job(store, job_id)[0] == "done")
    finally:
        second.terminate()
        second.wait(30)
    assert _job(store, job_id) == ("done", 2)
    assert (_count(store, contributions), _count(store, observations)) == (1, len(lines))


def test_several_workers_share_the_queue_and_run_each_job_once(
        jobs_store: Store, tmp_path: Path) -> None:
    store = jobs_store
    with store.begin() as conn:
        police = principal_for_email(conn, f.member(conn, "Police DE").email)
        ids = []
        for n in range(4):
            path = tmp_path / f"part-{n}.txt"
            path.write_text(f"198.51.100.{n + 1}\nshared.example\n", encoding="utf-8")
            ids.append(service.submit_in_background(
                conn, police, Submission(path=path, handling=HandlingRequest(tlp="green"))))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    workers = [subprocess.Popen([sys.executable, "-m", "intelpool", "worker", "--once",
                                 "--db", store.url], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(2)]
    for worker in workers:
        assert worker.wait(120) == 0
    assert [_job(store, job_id) for job_id in ids] == [("done", 1)] * 4
    assert (_count(store, contributions), _count(store, observations)) == (4, 8)
