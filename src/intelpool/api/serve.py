"""An application factory for production servers (uvicorn --factory, gunicorn): the pool from
INTELPOOL_DATABASE_URL, settings from the environment."""

from __future__ import annotations

import gc

from fastapi import FastAPI

from intelpool.api.app import create_app
from intelpool.config import Settings, resolve_database_url
from intelpool.db.engine import make_engine


def app() -> FastAPI:
    made = create_app(make_engine(resolve_database_url(None)), Settings())
    freeze_start_up()
    return made


def freeze_start_up() -> None:
    """Leave everything start-up made (modules, routes, schemas, statements: some 200,000
    objects that live as long as the server) out of every later garbage collection. A full
    collection then scans only what requests made, instead of stalling one request for as
    long as it takes to walk the whole heap. Servers only: a process that builds many apps
    (the tests) would keep the cycles of each."""
    gc.collect()
    gc.freeze()
