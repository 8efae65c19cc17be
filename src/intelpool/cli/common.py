"""What every command shares: the pool location, acting as a user, output, clean failures.

Only typer and the standard library are imported here at start-up: every command module
imports this one, and ``intelpool --help`` must not pay for SQLAlchemy, Alembic, pydantic,
orjson or rich. The consoles are made on first use, the services inside the functions
that need them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import is_dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from intelpool.errors import IntelpoolError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from sqlalchemy import Connection, Engine

    from intelpool.access import Principal

    console: Console
    err_console: Console

_consoles: dict[str, Console] = {}


def __getattr__(name: str) -> Any:
    """``console`` and ``err_console``: rich consoles, made (and rich imported) when first
    used."""
    if name not in ("console", "err_console"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    found = _consoles.get(name)
    if found is None:
        from rich.console import Console

        found = _consoles[name] = Console(stderr=name == "err_console")
    return found


DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Pool database URL (else INTELPOOL_DATABASE_URL, else "
                 "./intelpool.db).", show_default=False),
]
AsOption = Annotated[str, typer.Option("--as", help="E-mail of the user to act as.")]
OptionalAsOption = Annotated[
    str | None,
    typer.Option("--as", help="E-mail of an admin to act as (default: the console operator, "
                 "who manages membership and sees no content)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]


def open_engine(db: str | None, *, require_current: bool = True) -> Engine:
    from intelpool.config import resolve_database_url
    from intelpool.db.engine import make_engine
    from intelpool.db.revision import current_revision, head_revision

    url = resolve_database_url(db)
    engine = make_engine(url)
    database = engine.url.database
    if require_current and engine.url.get_backend_name() == "sqlite" and database and \
            database != ":memory:" and not Path(database).exists():
        raise IntelpoolError(f"no pool at {url}: run 'intelpool init' first")
    if require_current:
        current = current_revision(engine)
        if current is None:
            raise IntelpoolError(
                f"no pool at {engine.url.render_as_string(hide_password=True)}: "
                "run 'intelpool init' first"
            )
        if current != head_revision():
            raise IntelpoolError("the pool's schema is older than intelpool: run 'intelpool init'")
    return engine


@contextmanager
def _opened(db: str | None) -> Iterator[Engine]:
    engine = open_engine(db)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def transaction(db: str | None) -> Iterator[Connection]:
    with _opened(db) as engine, engine.begin() as conn:
        yield conn


@contextmanager
def one_read_on(db: str | None) -> Iterator[Connection]:
    """``db.engine.one_read`` on the pool ``db``: one read statement and its audit record."""
    from intelpool.db.engine import one_read

    with _opened(db) as engine, one_read(engine) as conn:
        yield conn


def acting_as(conn: Connection, email: str | None) -> Principal:
    from intelpool.access import Principal
    from intelpool.partners.identity import principal_for_email

    return Principal.operator() if email is None else principal_for_email(conn, email)


def _default(value: Any) -> Any:
    from intelpool.pool.views import to_dict

    if is_dataclass(value) and not isinstance(value, type):
        return to_dict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def print_json(value: Any) -> None:
    import orjson

    data = orjson.dumps(value, default=_default,
                        option=orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATACLASS)
    typer.echo(data.decode())


def new_table(*columns: str) -> Table:
    """A rich table with these column headers (rich imported when a command prints one)."""
    from rich.table import Table

    return Table(*columns)


def parse_date(text: str | None) -> datetime | None:
    """A --since style option: a date or ISO 8601 time, read as UTC unless it says otherwise."""
    from intelpool.times import utc_time

    return None if text is None else utc_time(text, "--since", hint="YYYY-MM-DD or ISO 8601")
