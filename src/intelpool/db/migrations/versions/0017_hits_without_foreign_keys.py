"""hits without foreign keys: derived rows, written only by matching

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-04 18:45:00.000000

Hits are derived data: matching writes them from ids it has just read, under its lock, and a
rematch rebuilds them all. Their six foreign keys cost six index lookups per hit row, run
one by one by triggers: two thirds of the time of recording a large submission's hits on
PostgreSQL, and most of a full rematch (measured in docs/scaling.md).
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0017'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEYS = (
    ('observable_a_id', 'observables', None),
    ('observable_b_id', 'observables', None),
    ('org_a_id', 'organisations', None),
    ('org_b_id', 'organisations', None),
    ('contribution_a_id', 'contributions', 'CASCADE'),
    ('contribution_b_id', 'contributions', 'CASCADE'),
)


def _name(column: str, table: str) -> str:
    return f'fk_hits_{column}_{table}'


def _rebuilding_hits(change: str) -> None:
    """Apply ``change`` ('drop' or 'create') to the foreign keys of hits.

    SQLite rebuilds the table; with foreign keys enforced, dropping the old copy would set
    every access request's hit to NULL, so those links are kept aside and put back.
    """
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute('CREATE TEMP TABLE keep_request_hits AS SELECT id, hit_id '
                   'FROM access_requests WHERE hit_id IS NOT NULL')
    with op.batch_alter_table('hits', schema=None) as batch_op:
        for column, table, ondelete in FOREIGN_KEYS:
            if change == 'drop':
                batch_op.drop_constraint(_name(column, table), type_='foreignkey')
            else:
                batch_op.create_foreign_key(_name(column, table), table, [column], ['id'],
                                            ondelete=ondelete)
    if sqlite:
        op.execute('UPDATE access_requests SET hit_id = (SELECT k.hit_id FROM '
                   'keep_request_hits k WHERE k.id = access_requests.id) '
                   'WHERE id IN (SELECT id FROM keep_request_hits)')
        op.execute('DROP TABLE keep_request_hits')


def upgrade() -> None:
    _rebuilding_hits('drop')


def downgrade() -> None:
    _rebuilding_hits('create')


