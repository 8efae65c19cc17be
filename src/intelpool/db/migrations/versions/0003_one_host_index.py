"""one host index: URL and e-mail hosts are matched through (type, rev_name)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 19:50:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The reversed host name already indexed for the subdomain rule finds a domain's URLs
    # and e-mail addresses too; a second index on the host cost every stored URL its upkeep.
    with op.batch_alter_table('observables', schema=None) as batch_op:
        batch_op.drop_index('ix_observables_host')


def downgrade() -> None:
    with op.batch_alter_table('observables', schema=None) as batch_op:
        batch_op.create_index('ix_observables_host', ['host'], unique=False)
