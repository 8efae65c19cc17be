"""analysis: each organisation's cached analysis; indicator objects found by contribution and ref

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 15:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

import intelpool.db.types
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'analysis_cache',
        sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  nullable=False),
        sa.Column('fingerprint', sa.String(length=128), nullable=False),
        sa.Column('computed_at', intelpool.db.types.UTCDateTime(), nullable=False),
        sa.Column('payload', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_analysis_cache_organisation_id_organisations'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_analysis_cache')),
    )
    op.create_index('ix_entities_contribution_ref', 'entities', ['contribution_id', 'ref'])
    op.create_index('ix_observables_warning', 'observables', ['warning'],
                    sqlite_where=sa.text('warning IS NOT NULL'),
                    postgresql_where=sa.text('warning IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_observables_warning', table_name='observables')
    op.drop_index('ix_entities_contribution_ref', table_name='entities')
    op.drop_table('analysis_cache')
