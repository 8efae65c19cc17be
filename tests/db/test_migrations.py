"""The migrations build exactly the schema the code declares, on every store."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from intelpool.db.migrate import head_revision
from intelpool.db.tables import metadata
from tests.conftest import Store


def test_migrated_store_matches_the_declared_tables(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn)
        assert context.get_current_revision() == head_revision(store.engine)
        differences = compare_metadata(context, metadata)
    assert differences == []
