"""Migration 0015 indexes the STIX ids of contributions stored before it, as the import path
indexes new ones."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import select

from intelpool.db.migrate import alembic_config
from intelpool.db.tables import stix_ids
from tests import factories as f
from tests.conftest import Store


def test_the_migration_indexes_what_was_stored_before_it(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE")
        f.submit_lines(conn, police, tmp_path, ["45.137.21.9", "evil-c2.net"])
        f.submit_lines(conn, police, tmp_path, ["45.137.21.9"], tlp="amber")
        stored = sorted(conn.execute(select(stix_ids)).all())
    # PostgreSQL also indexes a new selector under the id a concurrent earlier submission
    # would give it (see pool/stix_index.py).
    assert len(stored) == (5 if store.name == "postgresql" else 3)
    assert len({row.stix_key for row in stored}) == len(stored)
    config = alembic_config(store.engine)
    command.downgrade(config, "0019")  # the revision before 0015, then all to the newest
    command.upgrade(config, "head")
    with store.begin() as conn:
        assert sorted(conn.execute(select(stix_ids)).all()) == stored
