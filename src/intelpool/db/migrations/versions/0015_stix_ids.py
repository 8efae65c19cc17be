"""the STIX ids the pool serves, and TAXII statuses that follow a background job

Revision ID: 0015
Revises: 0019
Create Date: 2026-12-04 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('stix_ids',
    sa.Column('stix_key', sa.BigInteger(), nullable=False),
    sa.Column('contribution_id', ID, nullable=False),
    sa.Column('row_kind', sa.String(length=1), nullable=False),
    sa.Column('row_id', ID, nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=True),
    sa.Column('renamed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_stix_ids_contribution_id_contributions'), ondelete='CASCADE')
    )
    with op.batch_alter_table('stix_ids', schema=None) as batch_op:
        batch_op.create_index('ix_stix_ids_key', ['stix_key', 'contribution_id'], unique=False)
        batch_op.create_index('ix_stix_ids_renamed', ['contribution_id'], unique=False, postgresql_where=sa.text('renamed'), sqlite_where=sa.text('renamed'))
    with op.batch_alter_table('taxii_statuses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', ID, nullable=True))
        batch_op.create_index(batch_op.f('ix_taxii_statuses_job_id'), ['job_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_taxii_statuses_job_id_jobs'), 'jobs', ['job_id'], ['id'], ondelete='SET NULL')
    _index_existing()


def _index_existing() -> None:
    # The pool's own code builds the ids, as it will for every new contribution: the same
    # builders, so an id found through the index is the id the pages give.
    from intelpool.pool import stix_index

    conn = op.get_bind()
    ids = [int(i) for i in conn.execute(sa.text('SELECT id FROM contributions ORDER BY id'))
           .scalars()]
    stix_index.record(conn, ids)


def downgrade() -> None:
    with op.batch_alter_table('taxii_statuses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_taxii_statuses_job_id_jobs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_taxii_statuses_job_id'))
        batch_op.drop_column('job_id')
    with op.batch_alter_table('stix_ids', schema=None) as batch_op:
        batch_op.drop_index('ix_stix_ids_renamed', postgresql_where=sa.text('renamed'), sqlite_where=sa.text('renamed'))
        batch_op.drop_index('ix_stix_ids_key')
    op.drop_table('stix_ids')
