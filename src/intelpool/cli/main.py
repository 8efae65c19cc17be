"""Entry point: assembles the command groups and turns failures into one clear line."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer
from sqlalchemy.exc import OperationalError, SQLAlchemyError

import intelpool.cli
from intelpool.cli.common import fail
from intelpool.errors import IntelpoolError

app = typer.Typer(
    name="intelpool",
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
    try:
        app()
    except IntelpoolError as exc:
        fail(str(exc))
    except OperationalError as exc:
        fail(f"database error: {str(exc.orig).strip().splitlines()[0]}")
    except SQLAlchemyError as exc:
        fail(f"database error: {str(exc).strip().splitlines()[0]}")
    except KeyboardInterrupt:
        fail("interrupted; nothing was committed by the interrupted command")


if __name__ == "__main__":  # pragma: no cover
    run()
    sys.exit(0)
