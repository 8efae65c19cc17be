"""hit summary: hits per pair of contributions, day and the two selectors' types, kept by
matching and filled here for existing pools; entities indexed by kind for trends

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 21:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'hit_counts',
        sa.Column('org_a_id', _ID, nullable=False),
        sa.Column('org_b_id', _ID, nullable=False),
        sa.Column('contribution_a_id', _ID, nullable=False),
        sa.Column('contribution_b_id', _ID, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('type_a', sa.String(length=32), nullable=False),
        sa.Column('type_b', sa.String(length=32), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('org_a_id', 'org_b_id', 'contribution_a_id',
                                'contribution_b_id', 'day', 'type_a', 'type_b',
                                name=op.f('pk_hit_counts')),
    )
    op.create_index(op.f('ix_hit_counts_org_b_id'), 'hit_counts', ['org_b_id'])
    op.create_index('ix_entities_kind', 'entities', ['kind', 'contribution_id'])
    from intelpool.pool import hit_summary

    hit_summary.recount(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_entities_kind', table_name='entities')
    op.drop_index(op.f('ix_hit_counts_org_b_id'), table_name='hit_counts')
    op.drop_table('hit_counts')
