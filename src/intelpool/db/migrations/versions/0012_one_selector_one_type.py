"""one selector, one type: observables stored under a format's loose type are re-typed

Revision ID: 0012
Revises: 0007
Create Date: 2026-12-04 16:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0012'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from intelpool.db.retype import retype_observables

    retype_observables(op.get_bind())


def downgrade() -> None:
    pass  # the re-typed and merged rows are what the older code should have stored too
