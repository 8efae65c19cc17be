"""serve --workers N: several API processes on PostgreSQL, refused on the embedded pool."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import orjson
from typer.testing import CliRunner

from intelpool.cli.main import app
from tests.conftest import Store


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


def test_several_api_processes_serve_a_postgresql_pool(store: Store) -> None:
    if store.name == "sqlite":
        result = CliRunner().invoke(app, ["serve", "--workers", "2", "--db", store.url])
        assert result.exit_code == 1
        assert "--workers needs a PostgreSQL pool" in result.stderr
        return
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "intelpool", "serve", "--workers", "2", "--port", str(port),
         "--db", store.url], env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, body = time.monotonic() + 60, None
        while body is None:
            assert time.monotonic() < deadline and server.poll() is None, "server did not start"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health") as r:
                    body = orjson.loads(r.read())
            except OSError:
                time.sleep(0.3)
        assert body["store"] == "postgresql"
        workers = [p for p in _children(server.pid)
                   if b"multiprocessing" in Path(f"/proc/{p}/cmdline").read_bytes()
                   and b"resource_tracker" not in Path(f"/proc/{p}/cmdline").read_bytes()]
        assert len(workers) == 2
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)
