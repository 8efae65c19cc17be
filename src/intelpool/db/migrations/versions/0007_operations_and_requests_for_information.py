"""operations and requests for information

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-04 15:28:52.775810
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import intelpool.db.types


revision: str = '0007'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('operations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('themes', sa.Text(), nullable=True),
    sa.Column('lead_org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('contact_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('embargo_until', intelpool.db.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', intelpool.db.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('planned','active','action-day','closed')", name=op.f('ck_operations_status')),
    sa.ForeignKeyConstraint(['contact_user_id'], ['users.id'], name=op.f('fk_operations_contact_user_id_users')),
    sa.ForeignKeyConstraint(['lead_org_id'], ['organisations.id'], name=op.f('fk_operations_lead_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operations'))
    )
    with op.batch_alter_table('operations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operations_lead_org_id'), ['lead_org_id'], unique=False)

    op.create_table('action_days',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('operation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', intelpool.db.types.UTCDateTime(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decision', sa.String(length=8), nullable=True),
    sa.Column('decided_at', intelpool.db.types.UTCDateTime(), nullable=True),
    sa.Column('created_by_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.CheckConstraint("action IN ('arrest','search','takedown','seizure','sinkhole','other')", name=op.f('ck_action_days_action')),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_action_days_created_by_user_id_users')),
    sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], name=op.f('fk_action_days_operation_id_operations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_days'))
    )
    with op.batch_alter_table('action_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_days_operation_id'), ['operation_id'], unique=False)

    op.create_table('deconfliction_alerts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('match', sa.String(length=16), nullable=False),
    sa.Column('operation_a_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('operation_b_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('target_a', sa.String(length=600), nullable=False),
    sa.Column('target_b', sa.String(length=600), nullable=False),
    sa.Column('revealed_a', sa.Boolean(), nullable=False),
    sa.Column('revealed_b', sa.Boolean(), nullable=False),
    sa.Column('outcome_a', sa.String(length=16), nullable=True),
    sa.Column('outcome_b', sa.String(length=16), nullable=True),
    sa.Column('note_a', sa.Text(), nullable=True),
    sa.Column('note_b', sa.Text(), nullable=True),
    sa.Column('created_at', intelpool.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['operation_a_id'], ['operations.id'], name=op.f('fk_deconfliction_alerts_operation_a_id_operations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['operation_b_id'], ['operations.id'], name=op.f('fk_deconfliction_alerts_operation_b_id_operations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deconfliction_alerts')),
    sa.UniqueConstraint('kind', 'operation_a_id', 'operation_b_id', 'target_a', 'target_b', name='uq_deconfliction_alerts_pair')
    )
    with op.batch_alter_table('deconfliction_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deconfliction_alerts_operation_a_id'), ['operation_a_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deconfliction_alerts_operation_b_id'), ['operation_b_id'], unique=False)

    op.create_table('operation_contributions',
    sa.Column('operation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('contribution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('added_at', intelpool.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_operation_contributions_contribution_id_contributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], name=op.f('fk_operation_contributions_operation_id_operations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('operation_id', 'contribution_id', name=op.f('pk_operation_contributions'))
    )
    with op.batch_alter_table('operation_contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operation_contributions_contribution_id'), ['contribution_id'], unique=False)

    op.create_table('operation_members',
    sa.Column('operation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('changed_at', intelpool.db.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("role IN ('lead','participant','observer')", name=op.f('ck_operation_members_role')),
    sa.CheckConstraint("state IN ('invited','joined','declined','removed')", name=op.f('ck_operation_members_state')),
    sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], name=op.f('fk_operation_members_operation_id_operations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_operation_members_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('operation_id', 'organisation_id', name=op.f('pk_operation_members'))
    )
    with op.batch_alter_table('operation_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operation_members_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('operation_notes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('operation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('author_org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', intelpool.db.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('note','log')", name=op.f('ck_operation_notes_kind')),
    sa.ForeignKeyConstraint(['author_org_id'], ['organisations.id'], name=op.f('fk_operation_notes_author_org_id_organisations')),
    sa.ForeignKeyConstraint(['author_user_id'], ['users.id'], name=op.f('fk_operation_notes_author_user_id_users')),
    sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], name=op.f('fk_operation_notes_operation_id_operations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operation_notes'))
    )
    with op.batch_alter_table('operation_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operation_notes_operation_id'), ['operation_id'], unique=False)

    op.create_table('operation_targets',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('operation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('observable_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('entity_name', sa.String(length=500), nullable=True),
    sa.Column('linked_by_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('linked_at', intelpool.db.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', intelpool.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['linked_by_user_id'], ['users.id'], name=op.f('fk_operation_targets_linked_by_user_id_users')),
    sa.ForeignKeyConstraint(['observable_id'], ['observables.id'], name=op.f('fk_operation_targets_observable_id_observables')),
    sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], name=op.f('fk_operation_targets_operation_id_operations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operation_targets'))
    )
    with op.batch_alter_table('operation_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operation_targets_observable_id'), ['observable_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_operation_targets_operation_id'), ['operation_id'], unique=False)

    op.create_table('operation_tasks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('operation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('assignee_org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('assignee_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('due_at', intelpool.db.types.UTCDateTime(), nullable=True),
    sa.Column('done_at', intelpool.db.types.UTCDateTime(), nullable=True),
    sa.Column('reminded', sa.String(length=16), nullable=True),
    sa.Column('created_by_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', intelpool.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_org_id'], ['organisations.id'], name=op.f('fk_operation_tasks_assignee_org_id_organisations')),
    sa.ForeignKeyConstraint(['assignee_user_id'], ['users.id'], name=op.f('fk_operation_tasks_assignee_user_id_users')),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_operation_tasks_created_by_user_id_users')),
    sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], name=op.f('fk_operation_tasks_operation_id_operations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operation_tasks'))
    )
    with op.batch_alter_table('operation_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operation_tasks_assignee_org_id'), ['assignee_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_operation_tasks_operation_id'), ['operation_id'], unique=False)

    op.create_table('rfis',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('requester_org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('requester_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('on_behalf', sa.Boolean(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('operation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('due_at', intelpool.db.types.UTCDateTime(), nullable=True),
    sa.Column('tlp', sa.String(length=16), nullable=False),
    sa.Column('pap', sa.String(length=8), nullable=False),
    sa.Column('answer_tlp', sa.String(length=16), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('takedown', sa.Boolean(), nullable=False),
    sa.Column('meeting_at', intelpool.db.types.UTCDateTime(), nullable=True),
    sa.Column('agenda', sa.Text(), nullable=True),
    sa.Column('created_at', intelpool.db.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('open','closed','cancelled','held')", name=op.f('ck_rfis_status')),
    sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], name=op.f('fk_rfis_operation_id_operations')),
    sa.ForeignKeyConstraint(['requester_org_id'], ['organisations.id'], name=op.f('fk_rfis_requester_org_id_organisations')),
    sa.ForeignKeyConstraint(['requester_user_id'], ['users.id'], name=op.f('fk_rfis_requester_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rfis'))
    )
    with op.batch_alter_table('rfis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rfis_requester_org_id'), ['requester_org_id'], unique=False)

    op.create_table('action_day_targets',
    sa.Column('action_day_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('observable_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['action_day_id'], ['action_days.id'], name=op.f('fk_action_day_targets_action_day_id_action_days'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['observable_id'], ['observables.id'], name=op.f('fk_action_day_targets_observable_id_observables')),
    sa.PrimaryKeyConstraint('action_day_id', 'observable_id', name=op.f('pk_action_day_targets'))
    )
    with op.batch_alter_table('action_day_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_day_targets_observable_id'), ['observable_id'], unique=False)

    op.create_table('rfi_answers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rfi_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('contribution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('delivered', sa.Boolean(), nullable=False),
    sa.Column('at', intelpool.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_rfi_answers_contribution_id_contributions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_rfi_answers_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['rfi_id'], ['rfis.id'], name=op.f('fk_rfi_answers_rfi_id_rfis'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_rfi_answers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rfi_answers'))
    )
    with op.batch_alter_table('rfi_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rfi_answers_rfi_id'), ['rfi_id'], unique=False)

    op.create_table('rfi_items',
    sa.Column('rfi_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['rfi_id'], ['rfis.id'], name=op.f('fk_rfi_items_rfi_id_rfis'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rfi_id', 'number', name=op.f('pk_rfi_items'))
    )
    op.create_table('rfi_notes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rfi_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('author_org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', intelpool.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_org_id'], ['organisations.id'], name=op.f('fk_rfi_notes_author_org_id_organisations')),
    sa.ForeignKeyConstraint(['author_user_id'], ['users.id'], name=op.f('fk_rfi_notes_author_user_id_users')),
    sa.ForeignKeyConstraint(['rfi_id'], ['rfis.id'], name=op.f('fk_rfi_notes_rfi_id_rfis'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rfi_notes'))
    )
    with op.batch_alter_table('rfi_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rfi_notes_rfi_id'), ['rfi_id'], unique=False)

    op.create_table('rfi_recipients',
    sa.Column('rfi_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('changed_at', intelpool.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_rfi_recipients_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['rfi_id'], ['rfis.id'], name=op.f('fk_rfi_recipients_rfi_id_rfis'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rfi_id', 'organisation_id', name=op.f('pk_rfi_recipients'))
    )
    with op.batch_alter_table('rfi_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rfi_recipients_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('rfi_selectors',
    sa.Column('rfi_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['rfi_id'], ['rfis.id'], name=op.f('fk_rfi_selectors_rfi_id_rfis'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rfi_id', 'type', 'value', name=op.f('pk_rfi_selectors'))
    )
    with op.batch_alter_table('contribution_grants', schema=None) as batch_op:
        batch_op.alter_column('access_request_id',
               existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
               nullable=True)



def downgrade() -> None:
    with op.batch_alter_table('contribution_grants', schema=None) as batch_op:
        batch_op.alter_column('access_request_id',
               existing_type=sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
               nullable=False)

    op.drop_table('rfi_selectors')
    with op.batch_alter_table('rfi_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rfi_recipients_organisation_id'))

    op.drop_table('rfi_recipients')
    with op.batch_alter_table('rfi_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rfi_notes_rfi_id'))

    op.drop_table('rfi_notes')
    op.drop_table('rfi_items')
    with op.batch_alter_table('rfi_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rfi_answers_rfi_id'))

    op.drop_table('rfi_answers')
    with op.batch_alter_table('action_day_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_day_targets_observable_id'))

    op.drop_table('action_day_targets')
    with op.batch_alter_table('rfis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rfis_requester_org_id'))

    op.drop_table('rfis')
    with op.batch_alter_table('operation_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operation_tasks_operation_id'))
        batch_op.drop_index(batch_op.f('ix_operation_tasks_assignee_org_id'))

    op.drop_table('operation_tasks')
    with op.batch_alter_table('operation_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operation_targets_operation_id'))
        batch_op.drop_index(batch_op.f('ix_operation_targets_observable_id'))

    op.drop_table('operation_targets')
    with op.batch_alter_table('operation_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operation_notes_operation_id'))

    op.drop_table('operation_notes')
    with op.batch_alter_table('operation_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operation_members_organisation_id'))

    op.drop_table('operation_members')
    with op.batch_alter_table('operation_contributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operation_contributions_contribution_id'))

    op.drop_table('operation_contributions')
    with op.batch_alter_table('deconfliction_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deconfliction_alerts_operation_b_id'))
        batch_op.drop_index(batch_op.f('ix_deconfliction_alerts_operation_a_id'))

    op.drop_table('deconfliction_alerts')
    with op.batch_alter_table('action_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_days_operation_id'))

    op.drop_table('action_days')
    with op.batch_alter_table('operations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operations_lead_org_id'))

    op.drop_table('operations')
