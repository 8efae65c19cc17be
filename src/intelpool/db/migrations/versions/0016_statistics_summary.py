"""statistics summary: observation counts per contribution, day and type, the observations
of shared selectors, and trend subjects, kept at ingest and filled here for existing pools

Revision ID: 0016
Revises: 0018
Create Date: 2026-12-04 18:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _contribution_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'],
                                   name=op.f(f'fk_{table}_contribution_id_contributions'),
                                   ondelete='CASCADE')


def upgrade() -> None:
    op.create_table(
        'observation_counts',
        sa.Column('contribution_id', _ID, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('type', sa.String(length=32), nullable=False),
        sa.Column('reported', sa.Boolean(), nullable=False),
        sa.Column('observations', sa.Integer(), nullable=False),
        _contribution_fk('observation_counts'),
        sa.PrimaryKeyConstraint('contribution_id', 'day', 'type', 'reported',
                                name=op.f('pk_observation_counts')),
    )
    op.create_table(
        'shared_observations',
        sa.Column('observable_id', _ID, nullable=False),
        sa.Column('contribution_id', _ID, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('type', sa.String(length=32), nullable=False),
        _contribution_fk('shared_observations'),
        sa.PrimaryKeyConstraint('observable_id', 'contribution_id',
                                name=op.f('pk_shared_observations')),
    )
    op.create_index(op.f('ix_shared_observations_contribution_id'), 'shared_observations',
                    ['contribution_id'])
    op.create_table(
        'subject_counts',
        sa.Column('contribution_id', _ID, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('category', sa.String(length=16), nullable=False),
        sa.Column('subject', sa.Text(), nullable=False),
        sa.Column('observations', sa.Integer(), nullable=False),
        _contribution_fk('subject_counts'),
        sa.PrimaryKeyConstraint('contribution_id', 'day', 'category', 'subject',
                                name=op.f('pk_subject_counts')),
    )
    op.create_index('ix_subject_counts_category_day', 'subject_counts', ['category', 'day'])
    from intelpool.pool import summary

    summary.record(op.get_bind(), None)


def downgrade() -> None:
    op.drop_index('ix_subject_counts_category_day', table_name='subject_counts')
    op.drop_table('subject_counts')
    op.drop_index(op.f('ix_shared_observations_contribution_id'),
                  table_name='shared_observations')
    op.drop_table('shared_observations')
    op.drop_table('observation_counts')
