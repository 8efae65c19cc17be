"""Stores for the suite: SQLite always, PostgreSQL when INTELPOOL_TEST_DATABASE_URL is set.

Every test that takes ``store`` runs once per store. PostgreSQL tests use a schema of their
own per test session, so parallel runs against one database do not collide.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Connection, Engine

from intelpool.db.engine import make_engine
from intelpool.db.migrate import upgrade
from intelpool.db.tables import metadata

pytest_plugins = ["tests.jobs.queue_fixtures"]

PG_URL = os.environ.get("INTELPOOL_TEST_DATABASE_URL")
PG_SKIP = "PostgreSQL tests skipped: set INTELPOOL_TEST_DATABASE_URL to run them"


@dataclass
class Store:
    """A migrated, empty pool: ``url`` for the CLI, ``engine`` for services."""

    name: str
    url: str
    engine: Engine

    def begin(self) -> Connection:
        return self.engine.begin()  # type: ignore[return-value]


def pytest_report_header(config: pytest.Config) -> str:
    stores = "sqlite, postgresql" if PG_URL else f"sqlite only ({PG_SKIP})"
    return f"intelpool stores under test: {stores}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "pool.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip(PG_SKIP)
    schema = f"intelpool_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        path = tmp_path / "pool.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        yield Store("sqlite", url, engine)
        engine.dispose()
        return
    url = request.getfixturevalue("pg_schema_url")
    engine = make_engine(url)
    tables = ", ".join(t.name for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    yield Store("postgresql", url, engine)
    engine.dispose()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many tests ran against each store, so a CI log proves both were exercised."""
    passed = terminalreporter.stats.get("passed", [])
    on_pg = sum(1 for report in passed if "[postgresql" in report.nodeid)
    on_sqlite = sum(1 for report in passed if "[sqlite" in report.nodeid)
    terminalreporter.write_line(
        f"intelpool store tests passed: {on_sqlite} on sqlite, {on_pg} on postgresql")
