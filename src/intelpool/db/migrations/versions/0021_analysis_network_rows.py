"""analysis: networks stored one row each, the graph apart from the small parts

Revision ID: 0021
Revises: 0017
Create Date: 2026-12-04 18:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

import intelpool.db.types
from alembic import op

revision: str = '0021'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _organisation_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                   name=op.f(f'fk_{table}_organisation_id_organisations'),
                                   ondelete='CASCADE')


def upgrade() -> None:
    # A cache: what it held is recomputed on the next read.
    op.drop_table('analysis_cache')
    op.create_table(
        'analysis_cache',
        sa.Column('organisation_id', _ID, nullable=False),
        sa.Column('fingerprint', sa.String(length=128), nullable=False),
        sa.Column('computed_at', intelpool.db.types.UTCDateTime(), nullable=False),
        sa.Column('summary', sa.LargeBinary(), nullable=False),
        sa.Column('entities', sa.LargeBinary(), nullable=False),
        sa.Column('graph', sa.LargeBinary(), nullable=False),
        _organisation_key('analysis_cache'),
        sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_analysis_cache')),
    )
    op.create_table(
        'analysis_networks',
        sa.Column('organisation_id', _ID, nullable=False),
        sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('network_id', sa.String(length=32), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('themes', sa.String(length=500), nullable=False),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.Column('targets', sa.LargeBinary(), nullable=False),
        _organisation_key('analysis_networks'),
        sa.PrimaryKeyConstraint('organisation_id', 'position',
                                name=op.f('pk_analysis_networks')),
    )
    op.create_index('ix_analysis_networks_id', 'analysis_networks',
                    ['organisation_id', 'network_id'])


def downgrade() -> None:
    op.drop_index('ix_analysis_networks_id', table_name='analysis_networks')
    op.drop_table('analysis_networks')
    op.drop_table('analysis_cache')
    op.create_table(
        'analysis_cache',
        sa.Column('organisation_id', _ID, nullable=False),
        sa.Column('fingerprint', sa.String(length=128), nullable=False),
        sa.Column('computed_at', intelpool.db.types.UTCDateTime(), nullable=False),
        sa.Column('payload', sa.LargeBinary(), nullable=False),
        _organisation_key('analysis_cache'),
        sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_analysis_cache')),
    )
