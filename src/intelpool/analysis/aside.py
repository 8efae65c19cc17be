"""Reads run beside the caller's on a second connection, where the store allows it.

SQLite runs a query inside this process and lets go of Python's lock while it does, so a
read on a thread with a connection of its own overlaps the caller's reads and numpy work:
on two cores the link graph's raw material arrives in about the time of its larger half.
Only when the caller's connection holds no transaction: a second connection sees what is
committed, which is then all the caller's sees too. Otherwise (PostgreSQL, whose second
connection would not see the caller's transaction, or SQLite inside one) the read runs at
once on the caller's connection.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Connection

from intelpool.db.bulk import is_sqlite

T = TypeVar("T")


def aside(conn: Connection, read: Callable[[Connection], T]) -> Callable[[], T]:
    """Start ``read`` (given a connection) and return what waits for its result."""
    if not _may_overlap(conn):
        done = read(conn)
        return lambda: done
    engine = conn.engine

    def run() -> T:
        with engine.connect() as other:
            return read(other)

    executor = ThreadPoolExecutor(1, thread_name_prefix="intelpool-read")
    future = executor.submit(run)
    executor.shutdown(wait=False)  # the thread ends with the read
    return future.result


def _may_overlap(conn: Connection) -> bool:
    if not is_sqlite(conn):
        return False
    database = conn.engine.url.database or ""
    if database in ("", ":memory:") or "mode=memory" in database:
        return False  # a second connection would open another, empty database
    return not getattr(conn.connection.dbapi_connection, "in_transaction", True)
