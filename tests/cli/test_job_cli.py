"""submit --background, job show/list and the worker, as a user drives them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.runner import cli, ok
from tests.conftest import Store


@pytest.fixture
def pool(jobs_store: Store) -> Store:
    store = jobs_store
    ok(store, "org", "add", "Police DE", "--kind", "law-enforcement", "--country", "de")
    ok(store, "org", "add", "Stranger", "--kind", "cert")
    ok(store, "user", "add", "de@police.example", "--org", "Police DE", "--role", "contributor")
    ok(store, "user", "add", "x@stranger.example", "--org", "Stranger", "--role", "admin")
    return store


def test_a_background_submission_returns_a_job_to_follow(pool: Store, tmp_path: Path) -> None:
    selectors = tmp_path / "selectors.txt"
    selectors.write_text("198.51.100.7\nevil.example\ngarbage line\n", encoding="utf-8")
    queued = json.loads(ok(pool, "submit", str(selectors), "--as", "de@police.example",
                           "--tlp", "green", "--background", "--json"))
    assert queued["state"] == "queued"
    job_id = str(queued["job"])
    if pool.name == "postgresql":  # the embedded pool started its own runner already
        subprocess.run([sys.executable, "-m", "intelpool", "worker", "--once", "--db",
                        pool.url], check=True, capture_output=True, timeout=120)
    deadline = time.monotonic() + 60
    while (job := json.loads(ok(pool, "job", "show", job_id, "--as", "de@police.example",
                                "--json")))["state"] != "done":
        assert job["state"] in ("queued", "running") and time.monotonic() < deadline, job
        time.sleep(0.2)
    assert (job["summary"]["accepted"], job["summary"]["rejected"]) == (2, 1)
    rejected = tmp_path / "rejected.csv"
    out = ok(pool, "job", "show", job_id, "--as", "de@police.example",
             "--rejections", str(rejected))
    assert "done" in out and "2 accepted" in out
    assert rejected.read_text().splitlines()[1].startswith("line 3,garbage line,")
    assert job_id in ok(pool, "job", "list", "--as", "de@police.example")
    found = json.loads(ok(pool, "search", "198.51.100.7", "--as", "de@police.example",
                          "--json"))
    assert [r["contribution_id"] for r in found] == [job["contribution_id"]]
    code, _, err = cli(pool, "job", "show", job_id, "--as", "x@stranger.example")
    assert code == 1 and f"no job {job_id}" in err
    assert job_id not in ok(pool, "job", "list", "--as", "x@stranger.example")


def test_rejections_with_background_point_to_the_job(pool: Store, tmp_path: Path) -> None:
    selectors = tmp_path / "selectors.txt"
    selectors.write_text("198.51.100.7\n", encoding="utf-8")
    code, _, err = cli(pool, "submit", str(selectors), "--as", "de@police.example", "--tlp",
                       "green", "--background", "--rejections", str(tmp_path / "r.csv"))
    assert code == 1 and "intelpool job show ID --rejections FILE" in err
