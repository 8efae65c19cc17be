"""Engines for the embedded SQLite pool and for PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from time import monotonic
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError

from intelpool.config import audit_reads_durable, normalise_database_url, sqlite_cache_mib

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
    # Read once here, not on every search (audit.record).
    options = {DURABLE_READS: audit_reads_durable()}
    engine = create_engine(url, execution_options=options, **kwargs)
    _ping_when_idle(engine, PING_AFTER_IDLE_S)
    return engine


# Execution option: whether a read's audit record waits for PostgreSQL's WAL flush.
DURABLE_READS = "intelpool_durable_reads"


@contextmanager
def one_read(engine: Engine) -> Iterator[Connection]:
    """A connection whose statements each commit on their own, for one read and at most a
    write that stands alone (a search and its audit record, a token's lookup and its
    last-use time): two round trips, not the four of BEGIN ... COMMIT. One statement reads
    one snapshot, as it would in a transaction, and an error writing the record still
    reaches the caller before any result does."""
    with engine.connect() as conn:
        yield conn.execution_options(isolation_level="AUTOCOMMIT")


# A PostgreSQL connection back in the pool within this many seconds is used without a ping
# (SQLAlchemy's pool_pre_ping made every request and search one round trip longer). One idle
# longer (a restarted or failed-over server, a proxy's idle timeout) is pinged first and
# replaced if dead; a busy one that died fails once, and SQLAlchemy then drops the pool's
# connections opened before the failure.
PING_AFTER_IDLE_S = 10.0


def _ping_when_idle(engine: Engine, after_s: float) -> None:
    def returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = monotonic()

    def taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("returned_at", None)
        if since is None or monotonic() - since < after_s:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"connection idle {after_s:.0f}+ s is gone") from exc

    event.listen(engine.pool, "checkin", returned)
    event.listen(engine.pool, "checkout", taken)


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
