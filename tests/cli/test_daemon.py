"""The start-up daemon runs each command as the command would run on its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intelpool.db.tables import audit_events
from intelpool.partners import sign_in
from tests.cli.runner import ok
from tests.conftest import Store

LAUNCH = "from intelpool.cli.launch import run; run()"
# Whether a daemon answered: _delegate gives None when the command would run here instead.
PROBE = ("import sys; from intelpool.cli import launch; "
         "print('STATUS', launch._delegate(sys.argv[1:]), flush=True)")


def _env(runtime: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTELPOOL_")}
    return {**env, "INTELPOOL_RUNTIME_DIR": str(runtime), **extra}


def intelpool(runtime: Path, *args: str, stdin: str | None = None, cwd: Path | None = None,
              **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", LAUNCH, *args], capture_output=True,
                          text=True, input=stdin, cwd=cwd, env=_env(runtime, **env),
                          timeout=180)


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A daemon of this module's own, in a private directory."""
    directory = tmp_path_factory.mktemp("rt")
    directory.chmod(0o700)
    started = intelpool(directory, "daemon", "start", "--json")
    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout)["running"] is True
    yield directory
    intelpool(directory, "daemon", "stop")


def _answered(runtime: Path, *args: str) -> bool:
    probe = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                           text=True, env=_env(runtime), timeout=180)
    return "STATUS None" not in probe.stdout


def _pool(store: Store) -> None:
    ok(store, "org", "add", "Police DE", "--kind", "law-enforcement")
    ok(store, "org", "add", "Bank", "--kind", "private")
    ok(store, "org", "add", "Stranger", "--kind", "private")
    ok(store, "user", "add", "p@police.example", "--org", "Police DE", "--role", "contributor")
    ok(store, "user", "add", "b@bank.example", "--org", "Bank", "--role", "analyst")
    ok(store, "user", "add", "s@stranger.example", "--org", "Stranger", "--role", "analyst")


def test_a_command_through_the_daemon_answers_as_one_run_alone(
        store: Store, runtime: Path, tmp_path: Path) -> None:
    _pool(store)
    (tmp_path / "list.txt").write_text("203.0.113.9\nbad.shop-example.com\n", encoding="utf-8")
    # A relative path, the caller's working directory, the pool named by the environment.
    submitted = intelpool(runtime, "submit", "list.txt", "--as", "p@police.example", "--tlp",
                          "amber", "--audience", "org:Bank", "--json", cwd=tmp_path,
                          INTELPOOL_DATABASE_URL=store.url)
    assert submitted.returncode == 0, submitted.stderr
    assert json.loads(submitted.stdout)["accepted"] == 2
    for user, found in (("b@bank.example", 1), ("s@stranger.example", 0)):
        args = ("search", "203.0.113.9", "--as", user, "--db", store.url, "--json")
        through = intelpool(runtime, *args)
        alone = intelpool(runtime, *args, INTELPOOL_NO_DAEMON="1")
        assert through.returncode == alone.returncode == 0, through.stderr
        assert len(json.loads(through.stdout)) == found
        assert through.stdout == alone.stdout
    assert _answered(runtime, "org", "list", "--db", store.url)
    with store.begin() as conn:  # every search ran against the pool, and was audited
        assert conn.scalar(select(func.count()).select_from(audit_events)
                           .where(audit_events.c.action == "pool.search")) == 4


def test_failures_keep_their_message_and_status(store: Store, runtime: Path) -> None:
    unknown = intelpool(runtime, "search", "203.0.113.9", "--as", "nobody@x.example", "--db",
                        store.url)
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: no user 'nobody@x.example'"
    usage = intelpool(runtime, "search", "--db", store.url)
    assert usage.returncode == 2 and "Missing" in usage.stderr


def test_standard_input_reaches_the_command(store: Store, runtime: Path) -> None:
    _pool(store)
    changed = intelpool(runtime, "user", "passwd", "b@bank.example", "--password-stdin",
                        "--db", store.url, stdin="a long enough passphrase 42\n")
    assert changed.returncode == 0, changed.stderr
    with store.begin() as conn:  # the password took effect
        assert sign_in.sign_in_with_password(conn, "b@bank.example",
                                             "a long enough passphrase 42")


def test_a_caller_with_other_code_runs_its_command_itself(runtime: Path, tmp_path: Path) -> None:
    """Another import path means other code may load: the daemon refuses, and stays."""
    other = dict(PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    probe = subprocess.run([sys.executable, "-c", PROBE, "daemon", "status"],
                           capture_output=True, text=True, env=_env(runtime, **other),
                           timeout=180)
    assert "STATUS None" in probe.stdout
    assert _answered(runtime, "daemon", "status")


def test_a_runtime_directory_others_may_enter_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "rt"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    refused = intelpool(shared, "daemon", "start")
    assert refused.returncode == 1
    assert "is not a directory only this user may enter" in refused.stderr
    assert not (shared / "cli.sock").exists()
