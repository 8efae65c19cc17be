"""Engines for the embedded SQLite pool and for PostgreSQL."""

from __future__ import annotations

import sqlite3
from functools import partial
from typing import Any

from sqlalchemy import Engine, create_engine, event

from intelpool.config import normalise_database_url, sqlite_cache_mib

# Python's sqlite3 binds None and bool only after a failed search for an adapter, which
# raises and catches exceptions: bulk loads full of NULLs ran three times slower. Registered
# adapters are found at once ({}.get is a built-in that maps any value to None, so None still
# binds as NULL; bool binds as the 0/1 it always stored).
sqlite3.register_adapter(type(None), {}.get)  # type: ignore[arg-type]  # overloaded get
sqlite3.register_adapter(bool, int)


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", partial(_sqlite_pragmas, sqlite_cache_mib()))
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(cache_mib: int, dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # A bounded page cache, and scratch tables that spill to disk: memory stays flat however
    # large a submission or the pool grows.
    kib = -1024 * max(1, int(cache_mib))  # negative: a size in KiB, not in pages
    cursor.execute(f"PRAGMA cache_size={kib}")
    cursor.execute("PRAGMA temp_store=FILE")
    cursor.execute(f"PRAGMA temp.cache_size={kib}")
    cursor.close()
