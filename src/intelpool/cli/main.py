"""Entry point: assembles the command groups and turns failures into one clear line.

Start-up imports only typer and the command modules, which import their services inside
the commands: ``intelpool --help`` loads no database, format or analysis code.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Any

import typer
from typer.core import TyperGroup

import intelpool.cli
from intelpool.cli import params
from intelpool.errors import IntelpoolError

params.install()


def _fail(message: str) -> typer.Exit:
    """Say what went wrong in one line on stderr; the process exits with status 1."""
    from intelpool.cli.common import err_console

    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(1)


def _database_error(exc: Exception) -> str | None:
    """The one line to say for a database failure, or None when ``exc`` is not one."""
    sa_exc = sys.modules.get("sqlalchemy.exc")  # loaded by any command that reached a pool
    if sa_exc is None or not isinstance(exc, sa_exc.SQLAlchemyError):
        return None
    if isinstance(exc, sa_exc.OperationalError) and exc.orig:
        return str(exc.orig).strip().splitlines()[0]
    return str(exc).strip().splitlines()[0]


class _Commands(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except IntelpoolError as exc:
            raise _fail(str(exc)) from None
        except Exception as exc:
            message = _database_error(exc)
            if message is None:
                raise
            raise _fail(f"database error: {message}") from None


app = typer.Typer(
    name="intelpool",
    cls=_Commands,
    help="intelpool: a shared cybercrime intelligence pool under its originators' control.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Plain help and usage errors: rendering them with rich cost more than the command.
    rich_markup_mode=None,
)

# Every cli module named *_cmd contributes its commands, built-in or added later alike.
for _info in sorted(pkgutil.iter_modules(intelpool.cli.__path__), key=lambda m: m.name):
    if _info.name.endswith("_cmd"):
        importlib.import_module(f"intelpool.cli.{_info.name}").register(app)


def run() -> None:
    app()
