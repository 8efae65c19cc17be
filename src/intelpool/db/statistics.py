"""Planner statistics that keep up with the pool (PostgreSQL; SQLite's plans are fixed).

Autovacuum may be off, and even when on it analyses a table only after a good share of it
changed. A pool that grows through many medium submissions would match with the statistics
of an almost empty pool. So the tables matching reads are analysed whenever they have grown
by a fifth since their statistics were taken, or never had any: a handful of times while the
pool grows tenfold, whatever the size of the submissions that grew it.
"""

from __future__ import annotations

from sqlalchemy import Connection

from intelpool.db import bulk

GROWTH = 1.2  # analyse when a table has this many times the pages its statistics saw
SLACK_PAGES = 16  # ... and at least this many more: tiny tables are not worth it

MATCHING_TABLES = ("observables", "observations", "contributions", "hits")


def stale(conn: Connection, tables: tuple[str, ...] = MATCHING_TABLES) -> list[str]:
    """The tables whose statistics are missing or describe a much smaller table."""
    if bulk.is_sqlite(conn):
        return []
    found = []
    for table in tables:
        # relpages and reltuples are what the last ANALYZE saw (reltuples -1: never);
        # pg_relation_size is the table now, this transaction's own rows included. A
        # partitioned table has no pages of its own: its partitions' are summed, and its
        # own reltuples tells whether it was analysed (autovacuum never analyses it).
        row = conn.exec_driver_sql(
            "SELECT sum(c.relpages) FILTER (WHERE c.relkind = 'r'), min(c.reltuples), "
            "sum(pg_relation_size(c.oid)) FILTER (WHERE c.relkind = 'r') / "
            "current_setting('block_size')::int FROM pg_class c "
            "WHERE c.oid = to_regclass(%(table)s) OR c.oid IN (SELECT relid FROM "
            "pg_partition_tree(to_regclass(%(table)s)))", {"table": table}).first()
        if row is None or row[0] is None:
            continue
        seen_pages, seen_rows, pages = int(row[0]), float(row[1]), int(row[2])
        if seen_rows < 0 or pages > seen_pages * GROWTH + SLACK_PAGES:
            found.append(table)
    return found


def keep_fresh(conn: Connection, tables: tuple[str, ...] = MATCHING_TABLES) -> list[str]:
    """Analyse the stale ones among ``tables``; returns their names."""
    tables_to_analyse = stale(conn, tables)
    bulk.analyze(conn, *tables_to_analyse)
    return tables_to_analyse
