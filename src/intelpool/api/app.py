"""The FastAPI application: routers on top of the services, errors mapped to HTTP."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from intelpool import __version__
from intelpool.api import routes_jobs, routes_pool
from intelpool.errors import Forbidden, IntelpoolError, InvalidInput, NotFound, NotSupported


def create_app(engine: Engine) -> FastAPI:
    app = FastAPI(title="intelpool", version=__version__, openapi_url="/api/v1/openapi.json",
                  docs_url="/api/v1/docs", redoc_url=None)
    app.state.engine = engine
    app.include_router(routes_pool.router, prefix="/api/v1")
    app.include_router(routes_jobs.router, prefix="/api/v1")

    @app.exception_handler(IntelpoolError)
    def _error(_request: Request, exc: IntelpoolError) -> JSONResponse:
        status = {Forbidden: 403, NotFound: 404, InvalidInput: 422, NotSupported: 501}
        code = next((v for k, v in status.items() if isinstance(exc, k)), 400)
        return JSONResponse({"detail": str(exc)}, status_code=code)

    return app
