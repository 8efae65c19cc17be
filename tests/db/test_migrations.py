"""The migrations build exactly the schema the code declares, on every store."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from intelpool.db.engine import make_engine
from intelpool.db.migrate import (
    WITHOUT_ON_POSTGRESQL,
    declared_for,
    head_revision,
    owned_by_intelpool,
)
from intelpool.db.tables import metadata
from tests.conftest import Store


def test_migrated_store_matches_the_declared_tables(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "include_name": owned_by_intelpool,
            "include_object": declared_for(conn.dialect.name)})
        assert context.get_current_revision() == head_revision(store.engine)
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_the_embedded_pools_page_caches_follow_the_setting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTELPOOL_SQLITE_CACHE_MIB", "8")
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.db'}")
    with engine.connect() as conn:
        sizes = [conn.exec_driver_sql(f"PRAGMA {schema}.cache_size").scalar()
                 for schema in ("main", "temp")]
    engine.dispose()
    assert sizes == [-8192, -8192]  # KiB


def test_hits_lose_their_foreign_keys_and_keep_their_access_requests(tmp_path: Path) -> None:
    """Migration 0017 rebuilds hits on SQLite: the access requests filed on hits still name
    them afterwards (dropping the old table must not set their links to NULL)."""
    from alembic import command
    from sqlalchemy import inspect

    from intelpool.db.migrate import alembic_config, upgrade
    from intelpool.matching.access_requests import request_access
    from tests import factories as f

    engine = make_engine(f"sqlite:///{tmp_path / 'pool.db'}")
    command.upgrade(alembic_config(engine), "0015")
    with engine.begin() as conn:
        first, second = f.member(conn, "First"), f.member(conn, "Second")
        f.submit_lines(conn, first, tmp_path, ["c2.evil-host.net"], tlp="amber")
        f.submit_lines(conn, second, tmp_path, ["c2.evil-host.net"], tlp="amber")
        hit_id = conn.exec_driver_sql("SELECT id FROM hits").scalar_one()
        request_access(conn, second, hit_id, "the same domain in our case")
    upgrade(engine)
    with engine.connect() as conn:
        linked = conn.exec_driver_sql("SELECT hit_id FROM access_requests").scalars().all()
        foreign_keys = inspect(conn).get_foreign_keys("hits")
    engine.dispose()
    assert linked == [hit_id]
    assert foreign_keys == []


@pytest.mark.parametrize("table", ["observations", "stix_ids"])
def test_bulk_filled_tables_keep_their_foreign_keys_on_sqlite_only(
        store: Store, table: str) -> None:
    """Migrations 0024 and 0026: PostgreSQL checked them by a trigger per inserted row."""
    from sqlalchemy import inspect

    with store.engine.connect() as conn:
        names = {fk["name"] for fk in inspect(conn).get_foreign_keys(table)}
    declared = {name for name in WITHOUT_ON_POSTGRESQL if name.startswith(f"fk_{table}_")}
    assert declared
    assert names == (set() if store.name == "postgresql" else declared)


def test_shared_rows_are_indexed_by_selector_and_month_on_sqlite_only(store: Store) -> None:
    """Migration 0025 builds the expression index alembic cannot compare exactly as declared,
    on the expression the statistics group a month by (else SQLite would not use it)."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex

    from intelpool.analysis.dimensions import day_bucket
    from intelpool.db.tables import shared_observations

    name = "ix_shared_observations_selector_month"
    with store.engine.connect() as conn:
        if store.name == "postgresql":
            made = conn.exec_driver_sql(
                f"SELECT indexdef FROM pg_indexes WHERE indexname = '{name}'").scalar()
        else:
            made = conn.exec_driver_sql(
                f"SELECT sql FROM sqlite_master WHERE name = '{name}'").scalar()
    if store.name == "postgresql":
        assert made is None
        return
    (declared,) = [i for i in shared_observations.indexes if i.name == name]
    assert made == str(CreateIndex(declared).compile(dialect=sqlite.dialect()))
    month = day_bucket("month", shared_observations.c.day, "sqlite").compile(
        dialect=sqlite.dialect())
    assert str(month).replace("shared_observations.", "") in made
