"""Storage: engine and sessions for SQLite and PostgreSQL, tables, Alembic migrations."""
