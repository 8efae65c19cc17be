"""takedown holds: which lead a held takedown request or note waits for, and why; what
each user has seen of hits and notifications

Revision ID: 0018
Revises: 0014
Create Date: 2026-12-04 18:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import intelpool.db.types


revision: str = '0018'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('takedown_holds',
    sa.Column('id', ID, nullable=False),
    sa.Column('subject_type', sa.String(length=16), nullable=False),
    sa.Column('subject_id', ID, nullable=False),
    sa.Column('sender_org_id', ID, nullable=False),
    sa.Column('lead_org_id', ID, nullable=False),
    sa.Column('operation_id', ID, nullable=True),
    sa.Column('target', sa.Text(), nullable=True),
    sa.Column('match', sa.String(length=16), nullable=True),
    sa.Column('created_at', intelpool.db.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("subject_type IN ('rfi','operation_note')", name=op.f('ck_takedown_holds_subject_type')),
    sa.ForeignKeyConstraint(['lead_org_id'], ['organisations.id'], name=op.f('fk_takedown_holds_lead_org_id_organisations')),
    sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], name=op.f('fk_takedown_holds_operation_id_operations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_org_id'], ['organisations.id'], name=op.f('fk_takedown_holds_sender_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_takedown_holds'))
    )
    with op.batch_alter_table('takedown_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_takedown_holds_lead_org_id'), ['lead_org_id'], unique=False)
    _hold_existing_notes()
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hits_seen_at', intelpool.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('notifications_seen_id', sa.BigInteger(), nullable=True))


def _hold_existing_notes() -> None:
    """Notes held before this table: their leads from the note's own list (the target they
    touch was not kept). Held requests for information of that time are released by the
    check their release has always made."""
    import json

    conn = op.get_bind()
    notes = sa.table('operation_notes', sa.column('id'), sa.column('author_org_id'),
                     sa.column('held_for'), sa.column('at'))
    holds = sa.table('takedown_holds', sa.column('subject_type'), sa.column('subject_id'),
                     sa.column('sender_org_id'), sa.column('lead_org_id'),
                     sa.column('created_at'))
    rows = [{'subject_type': 'operation_note', 'subject_id': r.id,
             'sender_org_id': r.author_org_id, 'lead_org_id': int(lead), 'created_at': r.at}
            for r in conn.execute(sa.select(notes).where(notes.c.held_for.is_not(None)))
            for lead in json.loads(r.held_for)]
    if rows:
        conn.execute(sa.insert(holds), rows)


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('notifications_seen_id')
        batch_op.drop_column('hits_seen_at')
    with op.batch_alter_table('takedown_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_takedown_holds_lead_org_id'))

    op.drop_table('takedown_holds')
