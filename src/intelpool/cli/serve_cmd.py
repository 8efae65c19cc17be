"""The serve command: the web interface and the HTTP API on one port."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from intelpool.cli import common
from intelpool.cli.common import DbOption, open_engine


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(
        min=1, help="API processes (PostgreSQL only); put a reverse proxy in front.")] = 1,
    forwarded_allow_ips: Annotated[str, typer.Option(
        help="Proxies whose X-Forwarded-For/-Proto headers are trusted.")] = "127.0.0.1",
    db: DbOption = None,
) -> None:
    """Serve the pool over HTTP: the web interface at / (sign in with a password set by
    'intelpool user passwd'), the REST API under /api/v1 (docs at /api/v1/docs) and TAXII 2.1
    under /taxii2/."""
    import uvicorn

    from intelpool.errors import IntelpoolError

    engine = open_engine(db)
    where = engine.url.render_as_string(hide_password=True)
    if workers > 1 and engine.dialect.name != "postgresql":
        raise IntelpoolError(
            "--workers needs a PostgreSQL pool: the embedded pool takes one writer at a "
            "time, so more API processes would only wait on each other; serve it with one")
    common.console.print(f"serving {where} on http://{host}:{port}/ (API: /api/v1/health)"
                         + (f" with {workers} processes" if workers > 1 else ""), highlight=False)
    if workers == 1:
        from intelpool.api.app import create_app
        from intelpool.api.serve import freeze_start_up

        served = create_app(engine)
        freeze_start_up(served)
        uvicorn.run(served, host=host, port=port, log_level="info",
                    forwarded_allow_ips=forwarded_allow_ips)
        return
    # Each process builds its own app and engine from the environment.
    os.environ["INTELPOOL_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    uvicorn.run("intelpool.api.serve:app", factory=True, host=host, port=port,
                workers=workers, log_level="info", forwarded_allow_ips=forwarded_allow_ips)
