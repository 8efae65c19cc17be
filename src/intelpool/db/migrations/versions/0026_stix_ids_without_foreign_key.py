"""stix_ids without its foreign key to contributions on PostgreSQL: a derived index

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 01:10:00.000000

The index of served STIX ids is filled by the same transaction that creates the
contribution, from the contribution ids it has just inserted, after the contribution's rows
are written (pool/stix_index.py); nothing else writes it. On PostgreSQL its foreign key is a
trigger that looks the contribution up once per inserted row: of the 3.0-4.0 s that the
ordered insert of a 100,000-line feed's 200,000 rows took, about half was that trigger
(docs/scaling.md). What it guards holds without it: contributions are never deleted (no
statement of the code deletes one, so its ``ON DELETE CASCADE`` never fires), and
tests/pool/test_stix_index.py checks that every row names an existing contribution after
submissions (a failed one among them) and that no code deletes a contribution. SQLite
keeps the key, which it checks inline rather than
through a trigger; dropping it there would mean rebuilding the table.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = 'fk_stix_ids_contribution_id_contributions'
DEFINITION = 'FOREIGN KEY (contribution_id) REFERENCES contributions (id) ON DELETE CASCADE'


def _postgresql() -> bool:
    return op.get_bind().dialect.name == 'postgresql'


def upgrade() -> None:
    if _postgresql():
        op.execute(f'ALTER TABLE stix_ids DROP CONSTRAINT {NAME}')


def downgrade() -> None:
    if _postgresql():
        op.execute(f'ALTER TABLE stix_ids ADD CONSTRAINT {NAME} {DEFINITION}')
