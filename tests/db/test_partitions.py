"""On PostgreSQL, observations and hits are hash-partitioned by observable id (migration
0022), and the statements docs/scaling.md calls shard-local join partition by partition.

The plans are those of the product's own statements under the product's own matching
settings (``bulk.batch_settings``), on a pool large enough, and analysed, for the planner to
choose freely.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Connection

from intelpool.db import bulk, statistics
from intelpool.db.partitions import PARTITIONED, PARTITIONS, parent_of, partition_names
from intelpool.matching import rematch_exact
from tests import factories as f
from tests.conftest import Store

SELECTORS = 30_000  # observables; each contribution below holds a third of them, overlapping
CONTRIBUTIONS = 4


def _postgresql_only(store: Store) -> None:
    if store.name != "postgresql":
        pytest.skip("the embedded SQLite pool keeps plain tables: partitioning is PostgreSQL's")


def test_the_large_tables_are_hash_partitioned_by_observable(store: Store) -> None:
    _postgresql_only(store)
    with store.begin() as conn:
        shapes = {row[0]: row[1:] for row in conn.exec_driver_sql(
            "SELECT c.relname, p.partstrat, a.attname, "
            "(SELECT array_agg(k.relname::text ORDER BY k.relname) FROM pg_inherits i "
            "JOIN pg_class k ON k.oid = i.inhrelid WHERE i.inhparent = c.oid), "
            "(SELECT array_agg(ka.attname::text ORDER BY array_position(x.indkey, ka.attnum)) "
            "FROM pg_index x JOIN pg_attribute ka ON ka.attrelid = c.oid "
            "AND ka.attnum = ANY(x.indkey) WHERE x.indrelid = c.oid AND x.indisprimary) "
            "FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0] "
            "WHERE c.relnamespace = current_schema()::regnamespace")}
    assert shapes == {
        table: ("h", key, partition_names(table), ["id", key])
        for table, key in PARTITIONED.items()}
    assert all(len(partition_names(t)) == PARTITIONS == 16 for t in PARTITIONED)


def _fill(conn: Connection, tmp_path: Path) -> None:
    """Partners' contributions holding overlapping thirds of SELECTORS observables."""
    ids = []
    for k in range(CONTRIBUTIONS):
        who = f.member(conn, f"Partner {k}", role="contributor")
        f.submit_lines(conn, who, tmp_path, [f"seed{k}.example.net"])
        ids.append(conn.exec_driver_sql("SELECT max(id) FROM contributions").scalar_one())
    conn.exec_driver_sql(
        "INSERT INTO observables (type, value) SELECT 'domain', 'h' || i || '.example.org' "
        "FROM generate_series(1, %(n)s) i", {"n": SELECTORS})
    for k, cid in enumerate(ids):
        conn.exec_driver_sql(
            "INSERT INTO observations (contribution_id, observable_id) SELECT %(c)s, id "
            "FROM observables WHERE type = 'domain' AND value LIKE 'h%%' AND id %% %(k)s = 0",
            {"c": cid, "k": k + 2})


def _plan(conn: Connection, sql: str) -> dict[str, Any]:
    plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}").scalar_one()
    if isinstance(plan, str | bytes):
        plan = orjson.loads(plan)
    return dict(plan[0]["Plan"])


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _walk(child)


def _scanned(node: dict[str, Any]) -> set[str]:
    return {n["Relation Name"] for n in _walk(node) if "Relation Name" in n}


def _joins_partition_by_partition(plan: dict[str, Any], table: str) -> bool:
    """Is there an Append whose every child joins ``table``'s partition i with itself only,
    one child for each partition?"""
    for node in _walk(plan):
        if node["Node Type"] != "Append":
            continue
        children = node.get("Plans", [])
        joins = [c for c in children if c["Node Type"] in
                 ("Hash Join", "Merge Join", "Nested Loop")]
        if len(joins) != len(children) or not joins:
            continue
        scanned = [_scanned(j) for j in joins]
        if all(len(s) == 1 and parent_of(next(iter(s))) == table for s in scanned) and \
                sorted(next(iter(s)) for s in scanned) == partition_names(table):
            return True
    return False


def test_the_rematch_finds_holders_joining_partition_by_partition(
        store: Store, tmp_path: Path) -> None:
    _postgresql_only(store)
    with store.begin() as conn:
        _fill(conn, tmp_path)
        conn.exec_driver_sql("ANALYZE observables, observations, contributions")
        generated = conn.exec_driver_sql(
            "SELECT id FROM observables WHERE value LIKE 'h%%'", {}).scalars().all()
    with store.begin() as conn:
        bulk.batch_settings(conn)  # what matching and a rematch set for their transaction
        rematch_exact.index_scans(conn, "off")  # and the rematch for this statement
        plan = _plan(conn, rematch_exact.HOLDERS)
        found = conn.exec_driver_sql(
            f"SELECT count(*) FROM ({rematch_exact.HOLDERS}) h").scalar_one()
        conn.exec_driver_sql("RESET enable_partitionwise_join")
        default_plan = _plan(conn, rematch_exact.HOLDERS)
    assert _joins_partition_by_partition(plan, "observations"), orjson.dumps(plan).decode()
    # PostgreSQL's default joins the whole tables: the setting is what makes it shard-local.
    assert not _joins_partition_by_partition(default_plan, "observations")
    # Every selector held by two or more of the contributions, once per holder.
    held = [{i for i in generated if i % (k + 2) == 0} for k in range(CONTRIBUTIONS)]
    assert found == sum(1 for i in generated
                        for s in held if i in s and sum(i in t for t in held) > 1) > 10_000


def test_a_partitioned_table_that_grew_is_analysed_again(store: Store, tmp_path: Path) -> None:
    """Autovacuum never analyses a partitioned table itself: matching does, as it grows."""
    _postgresql_only(store)
    with store.begin() as conn:
        f.submit_lines(conn, f.member(conn, "Police DE", role="contributor"), tmp_path,
                       ["seed.example.net"])
        conn.exec_driver_sql("ANALYZE observations")
        assert "observations" not in statistics.stale(conn)
        _fill(conn, tmp_path)
        # What autovacuum does: it analyses the partitions, not the table.
        conn.exec_driver_sql("ANALYZE " + ", ".join(partition_names("observations")))
        assert "observations" in statistics.stale(conn)
        statistics.keep_fresh(conn)
        assert "observations" not in statistics.stale(conn)
