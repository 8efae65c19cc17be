"""The FastAPI application: REST routers under /api/v1 (one module per domain in
``intelpool.api.rest``, found automatically) and TAXII 2.1 under /taxii2/.

``create_app`` claims no path outside /api/v1 and /taxii2/: the web interface (or anything
else) mounts itself on the returned app, e.g. ``app.mount("/", ...)`` after the API routes.
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy import Engine

from intelpool import __version__
from intelpool.api import errors, rest, taxii
from intelpool.api.deps import no_nul_in_url
from intelpool.api.guard import RateLimiter
from intelpool.api.limits import BodyLimit
from intelpool.config import Settings
from intelpool.web import mount as mount_web

API_PREFIX = "/api/v1"
TAXII_PREFIX = "/taxii2"


def rest_routers() -> list[tuple[str, APIRouter]]:
    """Every ``intelpool.api.rest`` module's ``router``, by module name."""
    found = []
    for info in sorted(pkgutil.iter_modules(rest.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{rest.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append((info.name, router))
    return found


def create_app(engine: Engine, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(title="intelpool", version=__version__,
                  dependencies=[Depends(no_nul_in_url)],
                  description="The intelpool REST API. Every list pages with `limit` and an "
                              "opaque `cursor` (the previous page's `next`); every failure "
                              "answers `{\"error\": {\"code\", \"message\", \"details\"}}`.",
                  openapi_url=f"{API_PREFIX}/openapi.json", docs_url=f"{API_PREFIX}/docs",
                  redoc_url=None)
    app.state.engine = engine
    app.state.settings = settings
    app.state.rate_limiter = RateLimiter(settings.api_rate_limit_per_minute)
    errors.install(app)
    for _name, router in rest_routers():
        app.include_router(router, prefix=API_PREFIX, responses=errors.ERROR_RESPONSES)
    app.include_router(taxii.router, prefix=TAXII_PREFIX)
    app.add_middleware(BodyLimit, limit=settings.api_max_upload_bytes)
    mount_web(app)  # the web interface at /
    return app
