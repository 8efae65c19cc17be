"""partial indexes: only selectors with an address range or a host name are indexed by them;
entity indexes no query used are dropped

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 21:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PARTIAL = {'ix_observables_type_ip_lo': 'ip_lo', 'ix_observables_type_rev_name': 'rev_name'}


def upgrade() -> None:
    # A URL has no address range and a hash neither range nor name: indexing their NULLs
    # cost every stored selector one or two index updates that no rule ever reads.
    for name, column in _PARTIAL.items():
        op.drop_index(name, table_name='observables')
        where = sa.text(f'{column} IS NOT NULL')
        op.create_index(name, 'observables', ['type', column], unique=False,
                        sqlite_where=where, postgresql_where=where)
    # Every imported entity paid for these two; entities are read by contribution only.
    op.drop_index('ix_entities_kind_name', table_name='entities')
    op.drop_index('ix_entities_ref', table_name='entities')


def downgrade() -> None:
    op.create_index('ix_entities_ref', 'entities', ['ref'], unique=False)
    op.create_index('ix_entities_kind_name', 'entities', ['kind', 'name'], unique=False)
    for name, column in _PARTIAL.items():
        op.drop_index(name, table_name='observables')
        op.create_index(name, 'observables', ['type', column], unique=False)
