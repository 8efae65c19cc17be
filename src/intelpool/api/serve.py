"""An application factory for production servers (uvicorn --factory, gunicorn): the pool from
INTELPOOL_DATABASE_URL, settings from the environment."""

from __future__ import annotations

from fastapi import FastAPI

from intelpool.api.app import create_app
from intelpool.config import Settings, resolve_database_url
from intelpool.db.engine import make_engine


def app() -> FastAPI:
    return create_app(make_engine(resolve_database_url(None)), Settings())
