"""Set-based loading: executemany on SQLite, COPY on PostgreSQL, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from intelpool.db.types import SQLITE_TIME_FORMAT


def is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def db_time(conn: Connection, value: datetime | None) -> Any:
    """A datetime as the raw driver stores it (naive UTC text on SQLite)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if is_sqlite(conn):
        return value.astimezone(UTC).strftime(SQLITE_TIME_FORMAT)
    return value.astimezone(UTC)


def create_temp_table(conn: Connection, name: str, columns_sql: str) -> None:
    """A scratch table private to this connection; emptied if it survived an earlier use."""
    if is_sqlite(conn):
        conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns_sql})")
        conn.exec_driver_sql(f"DELETE FROM {name}")
    else:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE TEMP TABLE {name} ({columns_sql}) ON COMMIT DROP")


def empty(conn: Connection, name: str) -> None:
    """Empty a scratch table for its next use. PostgreSQL keeps deleted rows until the
    transaction ends, and every later statement would read them again: it truncates."""
    conn.exec_driver_sql(f"{'DELETE FROM' if is_sqlite(conn) else 'TRUNCATE'} {name}")


def load_rows(
    conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    if not rows:
        return
    cursor = conn.connection.cursor()
    try:
        cols = ", ".join(columns)
        if is_sqlite(conn):
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
        else:
            with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    finally:
        cursor.close()


def analyze(conn: Connection, *tables: str) -> None:
    """Give PostgreSQL's planner statistics for freshly filled scratch tables.

    Without them it assumes a temp table is tiny or huge at random and can pick a plan that
    scans the whole pool; SQLite's planner does not need this.
    """
    if not is_sqlite(conn):
        for table in tables:
            conn.exec_driver_sql(f"ANALYZE {table}")


# Planner settings for one transaction's batch work (matching, a rematch) on PostgreSQL.
# JIT compilation is priced by the planner's cost, which per-row index lookups over a large
# pool inflate: it compiled a 100k-probe rule for 1.4 s that then ran in 2.4 s. Aggregates
# over a large submission's matches spilled to disk with the default 4 MB. Observations and
# hits are hash-partitioned by observable id (db/partitions.py): joins and groupings on it
# run partition by partition only when these two planner settings, off by default, are on.
BATCH_SETTINGS = {"jit": "off", "work_mem": "64MB", "enable_partitionwise_join": "on",
                  "enable_partitionwise_aggregate": "on"}


def batch_settings(conn: Connection) -> None:
    """Set the planner for batch work until the end of the transaction (PostgreSQL)."""
    if not is_sqlite(conn):
        for name, value in BATCH_SETTINGS.items():
            conn.exec_driver_sql(f"SET LOCAL {name} = '{value}'")


def least(conn: Connection) -> str:
    """SQL function taking the smaller of two values (NULLs handled by the caller)."""
    return "min" if is_sqlite(conn) else "LEAST"


def greatest(conn: Connection) -> str:
    return "max" if is_sqlite(conn) else "GREATEST"


def param(conn: Connection, name: str) -> str:
    """A named placeholder in the driver's own style, for exec_driver_sql."""
    return f":{name}" if is_sqlite(conn) else f"%({name})s"
