"""observations without foreign keys on PostgreSQL: written only by the writer

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 22:45:00.000000

On PostgreSQL each foreign key is a trigger that looks its row up in the referenced table,
one row at a time: inserting 100,000 observations took 4.9-5.3 s with the two keys and
2.6-2.9 s without (docs/scaling.md), about half of storing a submission's observations.
What they guard holds without them: observations are written only by the ingest writer,
inside the submission's transaction, from the contribution ids it has just created and the
observable ids it has just created or read under their unique (type, value) key;
contributions are never deleted; retyping re-points a merged selector's observations before
it deletes the old observable (tests/db/test_retype.py checks that no observation is left
pointing at a missing row, on both stores). SQLite keeps the keys, which it checks inline
rather than through triggers: the embedded store was not slowed by them, and dropping them
there means rebuilding the table.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (name, definition) of the keys declared in db/tables.py and left out on PostgreSQL.
FOREIGN_KEYS = (
    ('fk_observations_contribution_id_contributions',
     'FOREIGN KEY (contribution_id) REFERENCES contributions (id) ON DELETE CASCADE'),
    ('fk_observations_observable_id_observables',
     'FOREIGN KEY (observable_id) REFERENCES observables (id)'),
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == 'postgresql'


def upgrade() -> None:
    if _postgresql():
        for name, _definition in FOREIGN_KEYS:
            op.execute(f'ALTER TABLE observations DROP CONSTRAINT {name}')


def downgrade() -> None:
    if _postgresql():
        for name, definition in FOREIGN_KEYS:
            op.execute(f'ALTER TABLE observations ADD CONSTRAINT {name} {definition}')
