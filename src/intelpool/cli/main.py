"""Entry point: assembles the command groups and turns failures into one clear line."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import typer
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from typer.core import TyperGroup

import intelpool.cli
from intelpool.cli.common import err_console
from intelpool.errors import IntelpoolError


def _fail(message: str) -> typer.Exit:
    """Say what went wrong in one line on stderr; the process exits with status 1."""
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(1)


class _Commands(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except IntelpoolError as exc:
            raise _fail(str(exc)) from None
        except OperationalError as exc:
            first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise _fail(f"database error: {first}") from None
        except SQLAlchemyError as exc:
            raise _fail(f"database error: {str(exc).strip().splitlines()[0]}") from None


app = typer.Typer(
    name="intelpool",
    cls=_Commands,
    help="intelpool: a shared cybercrime intelligence pool under its originators' control.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Every cli module named *_cmd contributes its commands, built-in or added later alike.
for _info in sorted(pkgutil.iter_modules(intelpool.cli.__path__), key=lambda m: m.name):
    if _info.name.endswith("_cmd"):
        importlib.import_module(f"intelpool.cli.{_info.name}").register(app)


def run() -> None:
    app()
