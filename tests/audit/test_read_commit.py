"""A read's audit record: committed with the read, without waiting for the WAL flush on
PostgreSQL unless the pool asks for durable read audit; writes always wait."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select

from intelpool.db.engine import make_engine, one_read
from intelpool.db.tables import audit_events
from intelpool.pool import reads
from tests import factories as f
from tests.conftest import Store


def _commit_mode(conn: Connection) -> str | None:
    if conn.dialect.name != "postgresql":
        return None
    return str(conn.exec_driver_sql("SHOW synchronous_commit").scalar_one())


def _searches(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(audit_events)
                        .where(audit_events.c.action == "pool.search")).scalar_one()


def test_a_search_commits_its_audit_record_without_the_flush(store: Store,
                                                             tmp_path: Path) -> None:
    pg = store.name == "postgresql"
    with store.begin() as conn:
        police = f.member(conn, "Police DE")
        f.submit_lines(conn, police, tmp_path, ["evil.example"], tlp="amber")
        # A submission waits for its flush like every write.
        assert _commit_mode(conn) == ("on" if pg else None)
    with store.begin() as conn:
        assert len(reads.search(conn, police, "evil.example")) == 1
        assert _commit_mode(conn) == ("off" if pg else None)
    with store.begin() as conn:
        assert _searches(conn) == 1  # committed, visible to the next transaction
        assert _commit_mode(conn) == ("on" if pg else None)  # SET LOCAL: this one only


def test_durable_read_audit_waits_for_the_flush(store: Store, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE")
        f.submit_lines(conn, police, tmp_path, ["evil.example"], tlp="amber")
    monkeypatch.setenv("INTELPOOL_AUDIT_READS_DURABLE", "yes")
    durable = make_engine(store.url)  # the setting is read when the engine is made
    with durable.begin() as conn:
        assert len(reads.search(conn, police, "evil.example")) == 1
        assert _commit_mode(conn) == ("on" if store.name == "postgresql" else None)
    with durable.begin() as conn:
        assert _searches(conn) == 1
    durable.dispose()


def test_a_search_on_its_own_commits_as_it_goes(store: Store, tmp_path: Path) -> None:
    """``one_read`` (the command's and the API's search): the audit record is committed by
    its own statement, before the connection is given back, and the connection goes back
    to the pool transactional as before."""
    with store.begin() as conn:
        police = f.member(conn, "Police DE")
        f.submit_lines(conn, police, tmp_path, ["evil.example"], tlp="amber")
    with one_read(store.engine) as conn:
        assert len(reads.search(conn, police, "evil.example")) == 1
        with store.engine.connect() as other:
            assert _searches(other) == 1
    with store.engine.connect() as conn:
        assert _commit_mode(conn) == ("on" if store.name == "postgresql" else None)
        conn.rollback()
        with conn.begin() as transaction:
            reads.search(conn, police, "evil.example")
            transaction.rollback()
        assert _searches(conn) == 1  # rolled back with its transaction
