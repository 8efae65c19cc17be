"""shared observations indexed by selector, month and holder on SQLite

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 01:00:00.000000

The visible-scope statistics count a month's repeated selectors by grouping the shared rows
per selector and month (analysis/shared_selectors.py). On SQLite that sorted every visible
shared row in a scratch table; walking this index, which covers the columns the grouping
reads, it groups them in order. PostgreSQL reads them by selector from its primary key and
sorts only each selector's few rows by month (an incremental sort), so it does without. Creating
the index fills it for an existing pool; the store keeps it as rows are written.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = 'ix_shared_observations_selector_month'


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade() -> None:
    if _sqlite():
        op.execute(f'CREATE INDEX {NAME} ON shared_observations '
                   '(observable_id, substr(day, 1, 7), contribution_id, day)')


def downgrade() -> None:
    if _sqlite():
        op.execute(f'DROP INDEX {NAME}')
