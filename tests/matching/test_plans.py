"""Every matching rule stays an index lookup per probe row, whatever the planner's statistics.

The pool grows through many medium submissions with autovacuum off and no manual ANALYZE,
as on many machines; then the rules of one more submission are explained in its own
transaction. Each must find the observables that match a probe row through an index, on that
row's keys, and who holds them through another: never read a pool table whole, nor walk an
index from end to end for every probe row.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, event

from intelpool.db.partitions import parent_of, storage_tables
from tests import factories as f
from tests.conftest import Store

PARTNERS = 12
DOMAINS = 2_000
# Aliases of the pool's tables in every rule: the observable found, who holds it, and how.
POOL = {"observables": "x", "observations": "h", "contributions": "hc"}
TABLES = tuple(POOL)


def _lines(k: int) -> list[str]:
    """The taskforce's load: domain lists ``h{i}.pool-{i % 1013}.com``, plus a few selectors
    of every kind each rule reads."""
    start = k * DOMAINS
    return [*(f"h{i}.pool-{i % 1013}.com" for i in range(start, start + DOMAINS)),
            f"185.{100 + k}.0.0/16", f"185.{100 + k}.1.{k + 1}",
            f"http://h{start}.pool-{start % 1013}.com/gate.php", f"mule{k}@pool-{k}.com",
            f"pool-{k}.com", f"www.h{start + 1}.pool-1.com"]


def _explain(conn: Connection, sql: str) -> list[tuple[str, str, str]]:
    """(how, table, looked up by) for every table the statement reads."""
    if conn.dialect.name == "sqlite":
        # "SCAN x" reads a table whole; "SEARCH x USING INDEX i (type=? AND rev_name>? ...)"
        # looks up the keys that the loops around it bind.
        found = []
        for _id, _parent, _unused, detail in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"):
            verb, alias, *rest = str(detail).split(" ")
            table = next((t for t, a in POOL.items() if a == alias), alias)
            found.append((verb, table, " ".join(rest)))
        return found
    plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}").scalar_one()
    if isinstance(plan, str | bytes):
        plan = orjson.loads(plan)
    return list(_nodes(plan[0]["Plan"]))


def _nodes(node: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    if "Relation Name" in node:  # a partition's scan reads its partitioned table
        yield node["Node Type"], parent_of(node["Relation Name"]), " ".join(_conditions(node))
    for child in node.get("Plans", []):
        if child["Node Type"] not in ("Bitmap Index Scan", "BitmapOr", "BitmapAnd"):
            yield from _nodes(child)


def _conditions(node: dict[str, Any]) -> Iterator[str]:
    """The index conditions of a scan (of a Bitmap Heap Scan: of its index scans)."""
    if "Index Cond" in node:
        yield f"{node['Index Name']} {node['Index Cond']}"
    for child in node.get("Plans", []) if node["Node Type"].startswith("Bitmap") else []:
        yield from _conditions(child)


def _looks_up(plan: list[tuple[str, str, str]], table: str, keys: tuple[str, ...]) -> bool:
    """Is ``table`` read only through an index, on a key that the rows around it bind?"""
    reads = [(how, by) for how, t, by in plan if t == table]
    # SQLite's AUTOMATIC index is one it builds for the statement, reading the whole table.
    return bool(reads) and all(how not in ("Seq Scan", "SCAN") and "AUTOMATIC" not in by
                               and any(k in by for k in keys) for how, by in reads)


def _autovacuum(store: Store, enabled: bool) -> None:
    if store.name == "postgresql":
        with store.begin() as conn:
            for table in (*TABLES, "hits"):
                for stored in storage_tables(table, store.name):
                    conn.exec_driver_sql(f"ALTER TABLE {stored} SET (autovacuum_enabled = "
                                         f"{str(enabled).lower()})")


def test_every_rule_uses_its_index_after_many_medium_submissions(
    store: Store, tmp_path: Path
) -> None:
    with store.begin() as conn:
        partners = [f.member(conn, f"Partner {k}", role="contributor")
                    for k in range(PARTNERS + 1)]
    _autovacuum(store, False)
    try:
        for k in range(PARTNERS):
            with store.begin() as conn:
                f.submit_lines(conn, partners[k], tmp_path, _lines(k))
        rules: list[str] = []

        def capture(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if statement.startswith("INSERT INTO tmp_match"):
                rules.append(statement)

        if store.name == "postgresql":
            with store.begin() as conn:
                for table in TABLES[:2]:
                    # Statistics taken as the pool grew: within a fifth of the table.
                    seen, rows = conn.exec_driver_sql(
                        f"SELECT (SELECT reltuples FROM pg_class WHERE oid = '{table}'::regclass)"
                        f", (SELECT count(*) FROM {table})").one()
                    assert seen >= rows / 1.25, (table, seen, rows)
        event.listen(store.engine, "before_cursor_execute", capture)
        with store.begin() as conn:
            final = [f"h{i}.final-{i % 1013}.com" for i in range(DOMAINS)] + _lines(0)[-6:]
            summary = f.submit_lines(conn, partners[PARTNERS], tmp_path, final)
            event.remove(store.engine, "before_cursor_execute", capture)
            plans = [_explain(conn, sql) for sql in rules]
    finally:
        _autovacuum(store, True)
    # The rules found what they should: each selector itself at partner 0 (6), the CIDR and
    # its address (2), the URL's and e-mail's domains (2), pool-0.com's 24 subdomains and
    # e-mail address, and www.h1.pool-1.com's two parents.
    assert summary.new_hits == 6 + 2 + 2 + 25 + 2
    assert len(plans) == 7  # exact, CIDR, URL and e-mail host, parent domain, and reversed
    # The probe's own columns (p, and its CIDR keys k or parent names t) on PostgreSQL; the
    # values bound by the enclosing loop (?) on SQLite.
    probe_keys = ("p.", "k.", "t.", "rowid=?", "value=?", "ip_lo=?", "ip_lo>?", "rev_name=?",
                  "rev_name>?")
    for sql, plan in zip(rules, plans, strict=True):
        assert _looks_up(plan, "observables", probe_keys), f"{sql}\n{plan}"
        assert _looks_up(plan, "observations", ("x.id", "observable_id=?")), f"{sql}\n{plan}"
