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
        sizes = _sizes(conn, table)
        if sizes is None:
            continue
        seen_pages, seen_rows, pages = sizes
        if seen_rows < 0 or pages > seen_pages * GROWTH + SLACK_PAGES:
            found.append(table)
    return found


def _sizes(conn: Connection, table: str) -> tuple[float, float, int] | None:
    """(pages and rows the last ANALYZE saw, pages now) of ``table``; None if it is not there.

    relpages and reltuples are what the last ANALYZE saw (reltuples -1: never);
    pg_relation_size is the table now, this transaction's own rows included.
    """
    block = "current_setting('block_size')::int"
    row = conn.exec_driver_sql(
        f"SELECT relkind, relpages, reltuples, pg_relation_size(oid) / {block} FROM pg_class "
        "WHERE oid = to_regclass(%(table)s)", {"table": table}).first()
    if row is None:
        return None
    if row[0] != "p":
        return float(row[1]), float(row[2]), int(row[3])
    # A partitioned table has no pages of its own, and autovacuum analyses its partitions,
    # never itself: the rows its own statistics saw are turned into pages at its partitions'
    # current density, and compared with the partitions' pages now.
    leaf_pages, leaf_rows, pages = conn.exec_driver_sql(
        "SELECT coalesce(sum(relpages), 0), coalesce(sum(greatest(reltuples, 0)), 0), "
        f"coalesce(sum(pg_relation_size(oid)), 0) / {block} FROM pg_class WHERE oid IN "
        "(SELECT relid FROM pg_partition_tree(to_regclass(%(table)s)) WHERE isleaf)",
        {"table": table}).one()
    seen_rows = float(row[2])
    seen_pages = seen_rows * float(leaf_pages) / float(leaf_rows) if leaf_rows else 0.0
    return seen_pages, seen_rows, int(pages)


def keep_fresh(conn: Connection, tables: tuple[str, ...] = MATCHING_TABLES) -> list[str]:
    """Analyse the stale ones among ``tables``; returns their names."""
    tables_to_analyse = stale(conn, tables)
    bulk.analyze(conn, *tables_to_analyse)
    return tables_to_analyse
