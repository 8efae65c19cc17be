"""``intelpool daemon``: keep intelpool imported so that each command starts at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Annotated

import typer

from intelpool.cli import common
from intelpool.errors import IntelpoolError

daemon_app = typer.Typer(
    help="A start-up daemon: commands run in a fork of one process that has intelpool "
         "imported, instead of importing it again each time (for scripts that call intelpool "
         "many times).",
    no_args_is_help=True)

# Run by the daemon's own interpreter: the import path of the command that started it, so
# that its code is what a command from the same place would run.
_BOOT = """
import json, sys
sys.path[:] = json.loads(sys.argv[1])
from intelpool.cli.daemon_cmd import boot
boot(sys.argv[2], int(sys.argv[3]))
"""
LOG_NAME = "daemon.log"


def register(app: typer.Typer) -> None:
    app.add_typer(daemon_app, name="daemon")


@daemon_app.command("start")
def start(
    idle: Annotated[int, typer.Option(help="Leave after this many idle minutes.", min=1)] = 60,
    json: common.JsonOption = False,
) -> None:
    """Start the daemon for this user, if it is not running, and wait until it answers."""
    import json as json_lib

    from intelpool.cli import daemon, launch

    directory = launch.runtime_dir()
    try:
        daemon.prepare(directory)
    except daemon.DaemonError as exc:
        raise IntelpoolError(str(exc)) from None
    pid, began = daemon.read_pid(directory), time.perf_counter()
    if pid is None:
        with open(os.path.join(directory, LOG_NAME), "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-c", _BOOT, json_lib.dumps(sys.path), directory,
                 str(idle * 60)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                close_fds=True)
        pid = _wait_ready(directory, process)
    _say(json, {"running": True, "pid": pid, "directory": directory,
                "seconds": round(time.perf_counter() - began, 2)},
         f"daemon running (pid {pid}); commands now start in a fork of it")


def _wait_ready(directory: str, process: subprocess.Popen[bytes]) -> int:
    from intelpool.cli import launch

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            with open(os.path.join(directory, LOG_NAME), encoding="utf-8",
                      errors="replace") as log:
                lines = log.read().strip().splitlines()
            raise IntelpoolError(
                "the daemon did not start: " + (lines[-1] if lines else "no reason given"))
        if os.path.exists(os.path.join(directory, launch.SOCKET_NAME)) and \
                os.path.exists(os.path.join(directory, "daemon.pid")):
            return process.pid
        time.sleep(0.05)
    process.terminate()
    raise IntelpoolError("the daemon did not answer within 120 s")


def boot(directory: str, idle_seconds: int) -> None:
    """The daemon process: import everything, then serve."""
    from intelpool.cli import daemon

    daemon.preload()
    daemon.serve(directory, idle_seconds=idle_seconds)


@daemon_app.command("stop")
def stop(json: common.JsonOption = False) -> None:
    """Stop this user's daemon; commands then start on their own again."""
    import signal

    from intelpool.cli import daemon, launch

    directory = launch.runtime_dir()
    pid = daemon.read_pid(directory)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
    _say(json, {"running": False, "stopped": pid},
         f"daemon {pid} stopped" if pid else "no daemon was running")


@daemon_app.command("status")
def status(json: common.JsonOption = False) -> None:
    """Whether this user's daemon runs."""
    from intelpool.cli import daemon, launch

    directory = launch.runtime_dir()
    pid = daemon.read_pid(directory)
    _say(json, {"running": pid is not None, "pid": pid, "directory": directory},
         f"daemon running (pid {pid}) in {directory}" if pid else "no daemon running")


def _say(json: bool, data: dict[str, object], line: str) -> None:
    if json:
        common.print_json(data)
    else:
        common.console.print(line, highlight=False)
