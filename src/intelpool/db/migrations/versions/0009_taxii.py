"""TAXII and feeds: organisation defaults for TAXII submissions, envelope statuses, an
observation paging index, and remote feed sources

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 15:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from intelpool.db.types import UTCDateTime

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'organisation_settings',
        sa.Column('organisation_id', _ID, sa.ForeignKey('organisations.id'), primary_key=True),
        sa.Column('taxii_tlp', sa.String(16), nullable=False),
        sa.Column('taxii_audience', sa.Text(), nullable=False),
    )
    op.create_table(
        'taxii_statuses',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('organisation_id', _ID, sa.ForeignKey('organisations.id'), nullable=False),
        sa.Column('request_timestamp', UTCDateTime(), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('contribution_id', _ID, sa.ForeignKey('contributions.id', ondelete='SET NULL')),
        sa.Column('total_count', sa.Integer(), nullable=False),
        sa.Column('success_count', sa.Integer(), nullable=False),
        sa.Column('failure_count', sa.Integer(), nullable=False),
        sa.Column('pending_count', sa.Integer(), nullable=False),
        sa.Column('successes', sa.Text(), nullable=False),
        sa.Column('failures', sa.Text(), nullable=False),
    )
    op.create_index('ix_taxii_statuses_organisation_id', 'taxii_statuses', ['organisation_id'])
    op.create_index('ix_observations_contribution_row', 'observations', ['contribution_id', 'id'])
    op.create_table(
        'feed_sources',
        sa.Column('id', _ID, primary_key=True),
        sa.Column('name', sa.String(200), nullable=False, unique=True),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('collection', sa.String(200)),
        sa.Column('user_id', _ID, sa.ForeignKey('users.id'), nullable=False),
        sa.Column('username', sa.String(320)),
        sa.Column('secret', sa.Text()),
        sa.Column('bearer', sa.Boolean(), nullable=False),
        sa.Column('tlp', sa.String(16), nullable=False),
        sa.Column('audience', sa.Text(), nullable=False),
        sa.Column('themes', sa.Text(), nullable=False),
        sa.Column('cursor', sa.String(64)),
        sa.Column('last_pull_at', UTCDateTime()),
        sa.Column('last_count', sa.Integer()),
        sa.Column('total_count', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text()),
        sa.Column('last_error_at', UTCDateTime()),
    )


def downgrade() -> None:
    op.drop_table('feed_sources')
    op.drop_index('ix_observations_contribution_row', table_name='observations')
    op.drop_index('ix_taxii_statuses_organisation_id', table_name='taxii_statuses')
    op.drop_table('taxii_statuses')
    op.drop_table('organisation_settings')
