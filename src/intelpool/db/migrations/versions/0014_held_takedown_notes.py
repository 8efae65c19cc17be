"""held takedown notes: the leads an operation note is held for

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 17:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('operation_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_for', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('operation_notes', schema=None) as batch_op:
        batch_op.drop_column('held_for')
