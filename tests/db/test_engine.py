"""PostgreSQL connections: reused without a ping while busy, pinged and replaced after idling."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from intelpool.db import engine as engine_module
from intelpool.db.engine import PING_AFTER_IDLE_S, make_engine
from tests.conftest import Store


def _backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def _kill(store: Store, pid: int) -> None:
    with store.begin() as conn:
        conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")


def test_a_connection_that_died_while_idle_is_replaced(store: Store,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    if store.name == "sqlite":
        pytest.skip("the embedded pool opens a file, not a server connection")
    engine = make_engine(store.url)
    first = _backend(engine)
    _kill(store, first)
    later = engine_module.monotonic() + PING_AFTER_IDLE_S + 1
    monkeypatch.setattr(engine_module, "monotonic", lambda: later)
    assert _backend(engine) != first  # the ping found it dead: a new one, no error
    engine.dispose()


def test_a_busy_connection_is_not_pinged_and_a_dead_one_fails_once(store: Store) -> None:
    if store.name == "sqlite":
        pytest.skip("the embedded pool opens a file, not a server connection")
    engine = make_engine(store.url)
    first = _backend(engine)
    _kill(store, first)
    with pytest.raises(DBAPIError):
        _backend(engine)
    assert _backend(engine) != first
    engine.dispose()
