"""The application as each API process builds it when ``serve --workers N`` runs several."""

from __future__ import annotations

from fastapi import FastAPI

from intelpool.api.app import create_app
from intelpool.config import resolve_database_url
from intelpool.db.engine import make_engine


def app_from_environment() -> FastAPI:
    """The pool named by INTELPOOL_DATABASE_URL (set by ``serve``), one engine per process."""
    return create_app(make_engine(resolve_database_url(None)))
