"""Create or upgrade a pool through Alembic migrations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from intelpool.db.partitions import is_partition


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", "intelpool.db:migrations")
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> str:
    """Bring the pool to the newest schema; returns the revision it is at."""
    config = alembic_config(engine)
    command.upgrade(config, "head")
    if engine.dialect.name == "postgresql":
        from intelpool.jobs.pg_queue import ensure_schema

        ensure_schema(engine)  # the job queue's own tables, owned by procrastinate
    return current_revision(engine) or ""


def owned_by_intelpool(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic compares only intelpool's tables (the job queue keeps its own beside them),
    and on PostgreSQL the partitioned tables, not their partitions (created by migration
    0022 and not declared apart)."""
    if type_ != "table":
        return True
    return not ((name or "").startswith("procrastinate_") or is_partition(name or ""))


# Foreign keys db/tables.py declares that migrations 0024 and 0026 leave out on PostgreSQL,
# where each was a per-row trigger on a table every submission fills by the 100,000 rows.
WITHOUT_ON_POSTGRESQL = frozenset({"fk_observations_contribution_id_contributions",
                                   "fk_observations_observable_id_observables",
                                   "fk_stix_ids_contribution_id_contributions"})


# Indexes db/tables_summary.py declares for SQLite only (migration 0025): an expression
# SQLite walks in order, where PostgreSQL sorts each selector's rows read by its primary key.
ONLY_ON_SQLITE = frozenset({"ix_shared_observations_selector_month"})


def declared_for(dialect: str) -> Callable[[Any, str | None, str, bool, Any], bool]:
    """Alembic's object filter: a declared constraint or index the store's migrations leave
    out on purpose is not a difference."""

    def include(_object: Any, name: str | None, type_: str, reflected: bool,
                _compare_to: Any) -> bool:
        if dialect != "postgresql" or reflected:
            return True
        if type_ == "foreign_key_constraint":
            return name not in WITHOUT_ON_POSTGRESQL
        return not (type_ == "index" and name in ONLY_ON_SQLITE)

    return include


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
