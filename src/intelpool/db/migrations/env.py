"""Alembic environment: runs on the engine intelpool hands over (SQLite or PostgreSQL)."""

from __future__ import annotations

from alembic import context

from intelpool.db.migrate import declared_for, owned_by_intelpool
from intelpool.db.tables import metadata

engine = context.config.attributes.get("engine")
if engine is None:  # run by the alembic command line: take the URL from the settings
    from intelpool.config import resolve_database_url
    from intelpool.db.engine import make_engine

    engine = make_engine(resolve_database_url(None))

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=owned_by_intelpool,
        include_object=declared_for(connection.dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
