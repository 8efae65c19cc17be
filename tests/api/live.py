"""A real intelpool server on a free port, in a thread, for clients that speak HTTP."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import uvicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` (an ASGI or WSGI-wrapped app) until the block ends; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving_directory(directory: Path) -> Iterator[str]:
    """Serve a directory's files over HTTP (e.g. a MISP feed); yields its base URL."""
    handler = partial(_QuietFiles, directory=str(directory))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


MEDALLION_USER = ("feeder", "feeder-secret")
MEDALLION_COLLECTION = "365fed99-08fa-fdcd-a1b3-fb247eb41d01"
_medallion_ready = False


def medallion_app(objects: list[dict[str, Any]], added: str) -> Any:
    """medallion (memory backend) holding ``objects`` in one collection, added at ``added``;
    returns the WSGI application. medallion keeps one application per process: each call
    replaces its data."""
    import medallion
    from medallion.backends.memory_backend import MemoryBackend

    global _medallion_ready
    app = medallion.application_instance
    data = {
        "/discovery": {"title": "medallion", "default": "/api1/", "api_roots": ["/api1/"]},
        "api1": {
            "information": {"title": "api1", "versions": ["application/taxii+json;version=2.1"],
                            "max_content_length": 1 << 30},
            "status": [],
            "collections": [{
                "id": MEDALLION_COLLECTION, "title": "Feed", "can_read": True,
                "can_write": True, "media_types": ["application/stix+json;version=2.1"],
                "objects": [{**o, "_date_added": added} for o in objects],
                "manifest": [{"id": o["id"], "date_added": added,
                              "version": o.get("modified", o.get("created")),
                              "media_type": "application/stix+json;version=2.1"}
                             for o in objects],
            }],
        },
    }
    buffer = io.StringIO(json.dumps(data))
    with app.app_context():
        app.users_backend = dict([MEDALLION_USER])  # type: ignore[attr-defined]
        app.taxii_config = {"max_page_size": 1000}  # type: ignore[attr-defined]
        app.medallion_backend = MemoryBackend(filename=buffer)  # type: ignore[attr-defined]
    if not _medallion_ready:
        medallion.register_blueprints(app)
        _medallion_ready = True
    return app


@contextmanager
def serving_wsgi(app: Any) -> Iterator[str]:
    """Serve a WSGI application (medallion is Flask) in a thread; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
