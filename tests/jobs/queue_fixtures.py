"""Job tests: the queue starts empty on PostgreSQL too (procrastinate's tables are not the
pool's, so the store fixture does not empty them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from intelpool.jobs import service
from tests.conftest import Store


@pytest.fixture
def jobs_store(store: Store) -> Iterator[Store]:
    if store.name == "postgresql":
        with store.begin() as conn:
            conn.exec_driver_sql("DELETE FROM procrastinate_jobs")
            conn.exec_driver_sql("DELETE FROM procrastinate_workers")
    yield store


def run_queue(store: Store) -> None:
    """What a worker does: take every queued job, then stop."""
    service.run_worker(store.engine, once=True)
