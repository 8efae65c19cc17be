"""The start-up daemon: one process with intelpool's modules imported, forked per command.

A command handed over by ``intelpool.cli.launch`` runs in a fresh fork of this process, with
the caller's arguments, environment, working directory and standard streams: the same code as
a command run on its own, minus the imports. The daemon itself never opens a pool, holds no
settings and starts no thread, so each fork starts as clean as a new process. It leaves when
told (``intelpool daemon stop``), when it finds itself running other code than its callers,
and after an idle hour.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import pkgutil
import random
import signal
import socket
import sys
import threading
import traceback
from dataclasses import dataclass

from intelpool.cli.launch import PROTOCOL, SOCKET_NAME, fingerprint, private

IDLE_SECONDS = 3600
PID_NAME = "daemon.pid"


class DaemonError(Exception):
    """The daemon cannot start here (said in one line)."""


@dataclass(frozen=True)
class Request:
    fingerprint: str
    cwd: str
    argv: list[str]
    env: dict[str, str]


def preload() -> None:
    """Import every intelpool module a command may need, and what they import."""
    import intelpool

    for info in pkgutil.walk_packages(intelpool.__path__, "intelpool."):
        # Migrations run Alembic's environment when imported; __main__ runs the CLI.
        if not info.name.startswith("intelpool.db.migrations") and \
                info.name != "intelpool.__main__":
            importlib.import_module(info.name)
    if threading.active_count() != 1:
        raise DaemonError("a module started a thread at import: forking it would be unsafe")


def prepare(directory: str) -> None:
    """Create the private runtime directory, or refuse one that others may enter."""
    with contextlib.suppress(FileExistsError):
        os.makedirs(directory, mode=0o700)
    if not private(directory):
        raise DaemonError(f"{directory} is not a directory only this user may enter")


def read_pid(directory: str) -> int | None:
    """The running daemon's pid, or None."""
    try:
        with open(os.path.join(directory, PID_NAME), encoding="ascii") as handle:
            pid = int(handle.read().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def serve(directory: str, *, idle_seconds: int = IDLE_SECONDS) -> None:
    """Answer commands until stopped, stale or idle. Runs in the daemon process."""
    path = os.path.join(directory, SOCKET_NAME)
    own = fingerprint()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    listener.bind(path)
    listener.listen(64)
    listener.settimeout(idle_seconds)
    pid_path = os.path.join(directory, PID_NAME)
    with open(pid_path, "w", encoding="ascii") as handle:
        handle.write(str(os.getpid()))
    signal.signal(signal.SIGTERM, _stop)
    try:
        while True:
            _reap()
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                return
            if not _answer(conn, listener, own):
                return
    except KeyboardInterrupt:
        return
    finally:
        listener.close()
        for leftover in (path, pid_path):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)


def _stop(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _answer(conn: socket.socket, listener: socket.socket, own: str) -> bool:
    """Fork a child for one command; False when this daemon is stale and must leave. A caller
    from another interpreter or import path is refused, and runs its command itself."""
    fds: list[int] = []
    try:
        conn.settimeout(10)
        request, fds = _receive(conn)
        if request.fingerprint != own:
            conn.sendall(b"S\n")  # the caller runs the command itself
            return fingerprint() == own  # leave once our own code has changed
        if os.fork() == 0:
            _child(conn, listener, request, fds)  # never returns
        return True
    except (OSError, ValueError):
        return True  # a caller that went away or spoke nonsense: nothing ran
    finally:
        for fd in fds:
            os.close(fd)
        conn.close()


def _receive(conn: socket.socket) -> tuple[Request, list[int]]:
    data, fds, _flags, _addr = socket.recv_fds(conn, 4096, 3)
    if len(fds) != 3:
        for fd in fds:
            os.close(fd)
        raise ValueError("three standard streams expected")
    size = int.from_bytes(data[:8], "big")
    body = bytearray(data[8:])
    while len(body) < size:
        chunk = conn.recv(min(1 << 20, size - len(body)))
        if not chunk:
            raise ValueError("request cut short")
        body += chunk
    return decode(bytes(body)), list(fds)


def decode(body: bytes) -> Request:
    fields = body.decode("utf-8", "surrogateescape").split("\0")
    if fields[0] != PROTOCOL.decode():
        raise ValueError("unknown protocol")
    stamp, rest = fields[1], fields[2:]
    cwd, count = rest[0], int(rest[1])
    argv = rest[2:2 + count]
    env = dict(item.split("=", 1) for item in rest[2 + count:] if "=" in item)
    return Request(stamp, cwd, argv, env)


def _child(conn: socket.socket, listener: socket.socket, request: Request,
           fds: list[int]) -> None:
    """In the forked child: become the caller's command, run it, report its status."""
    status = 1
    try:
        listener.close()
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        conn.settimeout(None)
        conn.sendall(b"P%d\n" % os.getpid())
        for target, fd in zip((0, 1, 2), fds, strict=True):
            os.dup2(fd, target)
            os.close(fd)
        _streams()
        os.chdir(request.cwd)
        os.environ.clear()
        os.environ.update(request.env)
        sys.argv = ["intelpool", *request.argv]
        random.seed()  # a fork shares its parent's generator state
        status = _run_command()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        with contextlib.suppress(OSError):
            conn.sendall(b"X%d\n" % status)
        os._exit(status)


def _streams() -> None:
    """Text streams over the caller's descriptors, buffered as a new process's would be."""
    def wrap(fd: int, mode: str, errors: str) -> io.TextIOWrapper:
        tty = os.isatty(fd)
        raw = io.FileIO(fd, mode, closefd=False)
        buffered: io.BufferedReader | io.BufferedWriter = (
            io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw))
        return io.TextIOWrapper(buffered, encoding="utf-8", errors=errors,
                                line_buffering=tty or fd == 2)

    sys.stdin = wrap(0, "r", "strict")
    sys.stdout = wrap(1, "w", "strict")
    sys.stderr = wrap(2, "w", "backslashreplace")


def _run_command() -> int:
    from intelpool.cli.main import run

    try:
        run()
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        sys.stderr.write(f"{exc.code}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    except BaseException:  # as Python itself would: the traceback, status 1
        traceback.print_exc()
        return 1
    return 0
