"""The migrations build exactly the schema the code declares, on every store."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from intelpool.db.engine import make_engine
from intelpool.db.migrate import head_revision, owned_by_intelpool
from intelpool.db.tables import metadata
from tests.conftest import Store


def test_migrated_store_matches_the_declared_tables(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": owned_by_intelpool})
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
