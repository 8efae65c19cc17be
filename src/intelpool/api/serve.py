"""An application factory for production servers (uvicorn --factory, gunicorn): the pool from
INTELPOOL_DATABASE_URL, settings from the environment."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import MutableMapping
from typing import Any

from fastapi import FastAPI

from intelpool.api.app import create_app
from intelpool.config import Settings, resolve_database_url
from intelpool.db.engine import make_engine


def app() -> FastAPI:
    made = create_app(make_engine(resolve_database_url(None)), Settings())
    # Not routed once first: several worker processes building every route table at the
    # same moment would slow each one's start on a small machine; each builds its tables
    # on first use instead.
    freeze_start_up(made, route_once=False)
    return made


def freeze_start_up(app: FastAPI, *, route_once: bool = True) -> None:
    """Leave everything start-up made (modules, routes, schemas, statements: some 200,000
    objects that live as long as the server) out of every later garbage collection. A full
    collection then scans only what requests made, instead of stalling one request for as
    long as it takes to walk the whole heap. Servers only: a process that builds many apps
    (the tests) would keep the cycles of each."""
    if route_once:
        _route_once(app)
    gc.collect()
    gc.freeze()


def _route_once(app: FastAPI) -> None:
    """Route one request for a path no route has: FastAPI builds each router's table on
    first use (seconds for all of them on a busy machine, which the first callers would
    wait), so every table is built now, and frozen with the rest."""
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1", "method": "GET", "scheme": "http", "path": "/api/v1/-",
        "raw_path": b"/api/v1/-", "root_path": "", "query_string": b"", "headers": [],
        "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0)}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: MutableMapping[str, Any]) -> None:
        return None

    # On a thread of its own: uvicorn's workers call the factory inside their event loop.
    router = threading.Thread(target=asyncio.run, args=(app(scope, receive, send),))
    router.start()
    router.join()
