"""The ``intelpool`` script: hands the command to a running start-up daemon, else runs it here.

Starting Python and importing SQLAlchemy, typer and the pool's modules costs more than a small
command takes. ``intelpool daemon start`` keeps one process with those modules imported; each
command then costs a fork of it: the forked child runs the very same command line code with
this process's arguments, environment, working directory and standard streams (passed as file
descriptors), and this process waits for its exit status. Without a daemon, or when it runs
other code than this process would (an upgrade, an edit), the command runs here as always.

Only the standard library is imported here: this module is on every command's start-up path.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import socket

PROTOCOL = b"intelpool-daemon-1"
SOCKET_NAME = "cli.sock"


def runtime_dir() -> str:
    """Where the daemon's socket lives: private to this user."""
    chosen = os.environ.get("INTELPOOL_RUNTIME_DIR")
    if chosen:
        return chosen
    base = os.environ.get("XDG_RUNTIME_DIR")
    return os.path.join(base, "intelpool") if base else f"/tmp/intelpool-{os.getuid()}"


def private(directory: str) -> bool:
    """True when ``directory`` is ours and nobody else may enter it: a socket another user
    could replace would hand them our commands."""
    try:
        info = os.lstat(directory)
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def fingerprint() -> str:
    """What code this process would run: the interpreter, the import path and the newest
    change to intelpool's sources or the installed packages. A daemon that differs is stale."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    newest = 0
    for folder, _dirs, files in os.walk(package):
        for name in files:
            if name.endswith(".py"):
                newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime_ns)
    for entry in sys.path:
        try:
            newest = max(newest, os.stat(entry).st_mtime_ns)
        except OSError:
            continue
    return "\x1f".join([sys.executable, package, *sys.path, str(newest)])


def encode_request(argv: list[str]) -> bytes:
    """The command as the daemon reads it: NUL-separated fields, a length in front."""
    fields = [PROTOCOL.decode(), fingerprint(), os.getcwd(), str(len(argv)), *argv,
              *(f"{k}={v}" for k, v in os.environ.items())]
    body = "\0".join(fields).encode("utf-8", "surrogateescape")
    return len(body).to_bytes(8, "big") + body


def _delegate(argv: list[str]) -> int | None:
    """Run the command in a forked child of the daemon; its exit status, or None when no
    usable daemon answers (the caller then runs the command itself)."""
    directory = runtime_dir()
    if not private(directory):
        return None  # no daemon can be listening: the command starts without socket's cost
    import socket

    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(os.path.join(directory, SOCKET_NAME))
        request = encode_request(argv)
        socket.send_fds(conn, [request[:4096]], [0, 1, 2])
        conn.sendall(request[4096:])
        return _follow(conn)
    except OSError:
        return None
    finally:
        conn.close()


def _follow(conn: socket.socket) -> int | None:
    """Read the child's pid and exit status; Ctrl-C and termination reach the child."""
    import signal

    reader = conn.makefile("rb")
    first = reader.readline()
    if not first.startswith(b"P"):
        return None  # stale or refusing daemon: nothing has run
    child = int(first[1:])

    def forward(signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    last = reader.readline()
    if last.startswith(b"X"):
        return int(last[1:])
    sys.stderr.write("error: the command ended without an exit status (killed?)\n")
    return 1


def run() -> None:
    """The ``intelpool`` script."""
    if os.environ.get("INTELPOOL_NO_DAEMON") != "1" and sys.platform != "win32":
        status = _delegate(sys.argv[1:])
        if status is not None:
            sys.exit(status)
    from intelpool.cli.main import run as run_here

    run_here()
