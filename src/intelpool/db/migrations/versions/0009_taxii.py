"""TAXII: organisation defaults for submissions, envelope statuses, observation paging index

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-04 15:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from intelpool.db.types import UTCDateTime

revision: str = '0009'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'organisation_settings',
        sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.ForeignKey('organisations.id'), primary_key=True),
        sa.Column('taxii_tlp', sa.String(16), nullable=False),
        sa.Column('taxii_audience', sa.Text(), nullable=False),
    )
    op.create_table(
        'taxii_statuses',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.ForeignKey('organisations.id'), nullable=False),
        sa.Column('request_timestamp', UTCDateTime(), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('contribution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.ForeignKey('contributions.id', ondelete='SET NULL')),
        sa.Column('total_count', sa.Integer(), nullable=False),
        sa.Column('success_count', sa.Integer(), nullable=False),
        sa.Column('failure_count', sa.Integer(), nullable=False),
        sa.Column('pending_count', sa.Integer(), nullable=False),
        sa.Column('successes', sa.Text(), nullable=False),
        sa.Column('failures', sa.Text(), nullable=False),
    )
    op.create_index('ix_taxii_statuses_organisation_id', 'taxii_statuses', ['organisation_id'])
    op.create_index('ix_observations_contribution_row', 'observations', ['contribution_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_observations_contribution_row', table_name='observations')
    op.drop_index('ix_taxii_statuses_organisation_id', table_name='taxii_statuses')
    op.drop_table('taxii_statuses')
    op.drop_table('organisation_settings')
