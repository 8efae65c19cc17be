"""The lock that orders matching between concurrent transactions."""

from __future__ import annotations

from sqlalchemy import Connection

from intelpool.db import bulk

# The advisory lock that orders the match-and-record phase of concurrent transactions on
# PostgreSQL: this class (the bytes of "ipma") and the pool's schema, so that pools kept in
# several schemas of one database do not wait for each other's matching.
MATCH_LOCK = 0x69706D61


def lock_matching(conn: Connection) -> None:
    """Order the match-and-record phase of concurrent transactions, until commit.

    A transaction matches against what was committed before it: two submissions matching at
    the same time would each miss the other's data. With this lock taken before matching and
    held to commit, the later of the two sees the earlier one's data and records their hits,
    once (the earlier could not see the later's). Writing, the long part, still runs in
    parallel. SQLite needs no more: its single writer lock is held from a transaction's first
    write, which comes before matching.
    """
    if not bulk.is_sqlite(conn):
        conn.exec_driver_sql(
            f"SELECT pg_advisory_xact_lock({MATCH_LOCK}, hashtext(current_schema()))")
    bulk.batch_settings(conn)
