"""The serve command: the web interface and the HTTP API on one port."""

from __future__ import annotations

from typing import Annotated

import typer

from intelpool.cli import common
from intelpool.cli.common import DbOption, open_engine


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DbOption = None,
) -> None:
    """Serve the pool over HTTP: the web interface at / (sign in with a password set by
    'intelpool user passwd'), the REST API under /api/v1 (docs at /api/v1/docs) and TAXII 2.1
    under /taxii2/."""
    import uvicorn

    from intelpool.api.app import create_app

    engine = open_engine(db)
    common.console.print(f"serving {engine.url.render_as_string(hide_password=True)} on "
                         f"http://{host}:{port}/ (API: /api/v1/health)", highlight=False)
    uvicorn.run(create_app(engine), host=host, port=port, log_level="info")
