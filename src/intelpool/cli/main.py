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




def _new_app() -> typer.Typer:
    return typer.Typer(
        name="intelpool",
        cls=_Commands,
        help="intelpool: a shared cybercrime intelligence pool under its originators' control.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        # Plain help and usage errors: rendering them with rich cost more than the command.
        rich_markup_mode=None,
    )


app = _new_app()

# Every cli module named *_cmd contributes its commands, built-in or added later alike.
for _info in sorted(pkgutil.iter_modules(intelpool.cli.__path__), key=lambda m: m.name):
    if _info.name.endswith("_cmd"):
        importlib.import_module(f"intelpool.cli.{_info.name}").register(app)


def _only(name: str) -> typer.Typer | None:
    """The application with only the command or command group ``name``, or None when there
    is none: Typer builds every command's parameters before running one, and one is enough
    to run it (help and unknown names take the whole application)."""
    lean = _new_app()
    lean.registered_commands = [
        c for c in app.registered_commands
        if (c.name or (c.callback.__name__.lower().replace("_", "-") if c.callback else None))
        == name]
    lean.registered_groups = [g for g in app.registered_groups if g.name == name]
    if not lean.registered_commands and not lean.registered_groups:
        return None

    @lean.callback()
    def _root() -> None:
        """A group, as the whole application is, even with one command."""

    return lean


def run() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    chosen = _only(name) if name and not name.startswith("-") else None
    (chosen or app)()
