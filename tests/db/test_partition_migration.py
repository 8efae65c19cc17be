"""Migration 0022 on a filled pool, both ways: every row, id and link kept; the ids go on.

On PostgreSQL it rebuilds observations and hits as hash-partitioned tables (and back); on
both stores it drops the access requests' foreign key to hits (and puts it back).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Connection, inspect

from intelpool.db.migrate import alembic_config, upgrade
from intelpool.matching import access_requests, hits
from tests import factories as f
from tests.conftest import Store

ROWS = ("SELECT id, contribution_id, observable_id FROM observations ORDER BY id",
        "SELECT id, observable_a_id, org_a_id, org_b_id, contribution_b_id FROM hits "
        "ORDER BY id",
        "SELECT id, hit_id, status FROM access_requests ORDER BY id",
        "SELECT contribution_id, organisation_id, access_request_id FROM contribution_grants")


def _rows(conn: Connection) -> list[list[tuple[object, ...]]]:
    return [[tuple(r) for r in conn.exec_driver_sql(sql)] for sql in ROWS]


def _partitioned(conn: Connection) -> list[str]:
    if conn.dialect.name != "postgresql":
        return []
    return list(conn.exec_driver_sql(
        "SELECT c.relname::text FROM pg_partitioned_table p JOIN pg_class c ON "
        "c.oid = p.partrelid WHERE c.relnamespace = current_schema()::regnamespace "
        "ORDER BY 1").scalars())


def _hit_link(conn: Connection) -> list[str]:
    return [k["referred_table"] for k in inspect(conn).get_foreign_keys("access_requests")
            if k["constrained_columns"] == ["hit_id"]]


def test_partitioning_keeps_a_filled_pool_both_ways(store: Store, tmp_path: Path) -> None:
    config = alembic_config(store.engine)
    command.downgrade(config, "0021")
    try:
        with store.begin() as conn:
            police = f.member(conn, "Police DE", role="contributor")
            bank = f.member(conn, "Bank NL", kind="private", role="contributor")
            f.submit_lines(conn, police, tmp_path, ["45.137.21.9", "c2.evil-host.net",
                                                    "45.137.0.0/16"], tlp="amber")
            f.submit_lines(conn, bank, tmp_path, ["45.137.21.9", "c2.evil-host.net"],
                           tlp="amber")
            [first, *_] = hits.list_hits(conn, bank).hits
            request = access_requests.request_access(conn, bank, first.id, "our case")
            access_requests.decide(conn, police, request.id, grant=True)
            before, plain = _rows(conn), _partitioned(conn)
        upgrade(store.engine)
        with store.begin() as conn:
            migrated, partitioned, link = _rows(conn), _partitioned(conn), _hit_link(conn)
            f.submit_lines(conn, police, tmp_path, ["45.137.21.9", "new.evil-host.net"])
            newest = _rows(conn)
        command.downgrade(config, "0021")
        with store.begin() as conn:
            restored, plain_again, link_again = _rows(conn), _partitioned(conn), _hit_link(conn)
    finally:
        upgrade(store.engine)
    assert len(before[0]) == 5 and len(before[1]) == 3 and before[2][0][1] == first.id
    assert [grant[2] for grant in before[3]] == [request.id]
    assert migrated == before and link == [] and plain == []
    assert partitioned == (["hits", "observations"] if store.name == "postgresql" else [])
    # Ids go on from where they stood.
    assert min(r[0] for r in newest[0][5:]) > max(r[0] for r in before[0])
    assert restored == newest and plain_again == [] and link_again == ["hits"]
