"""observations and hits hash-partitioned by observable id on PostgreSQL

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 21:30:00.000000

On PostgreSQL both tables are rebuilt as ``PARTITION BY HASH`` on the observable id (the key
a distributed PostgreSQL distributes them by, docs/scaling.md), so that joins on it run
partition by partition. A partitioned table's primary key and unique constraints must hold
the partition key: the primary keys become (id, observable id), id first so that a lookup
by id alone still uses them; ids keep coming from the same sequence. For the same reason
``access_requests.hit_id`` can no longer reference ``hits.id``: that foreign key goes on both
stores, and the code that deletes hits clears the requests' links itself. SQLite keeps plain
tables.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTITIONS = 16
HIT_LINK = 'fk_access_requests_hit_id_hits'


@dataclass(frozen=True)
class Shape:
    """What a rebuilt table carries beyond its columns (which LIKE copies with their types,
    NOT NULL, defaults and checks): the same names the plain table has."""

    table: str
    key: str  # the partition key
    uniques: tuple[tuple[str, str], ...]  # (name, columns)
    indexes: tuple[tuple[str, str], ...]
    foreign_keys: tuple[tuple[str, str], ...]  # (name, definition)


SHAPES = (
    Shape('observations', 'observable_id',
          uniques=(('uq_observations_contribution', 'contribution_id, observable_id'),),
          indexes=(('ix_observations_observable_id', 'observable_id'),
                   ('ix_observations_contribution_row', 'contribution_id, id')),
          foreign_keys=(
              ('fk_observations_contribution_id_contributions',
               'FOREIGN KEY (contribution_id) REFERENCES contributions (id) ON DELETE CASCADE'),
              ('fk_observations_observable_id_observables',
               'FOREIGN KEY (observable_id) REFERENCES observables (id)'))),
    Shape('hits', 'observable_a_id',
          uniques=(('uq_hits_pair', 'observable_a_id, observable_b_id, org_a_id, org_b_id'),),
          indexes=(('ix_hits_observable_b_id', 'observable_b_id'),
                   ('ix_hits_org_a_id', 'org_a_id'),
                   ('ix_hits_org_b_id', 'org_b_id')),
          foreign_keys=()),
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == 'postgresql'


def _rebuild(shape: Shape, partitioned: bool) -> None:
    """Rebuild ``shape.table`` with its rows, partitioned by hash of its key or plain.

    The new table is filled before its keys and indexes exist (one sorted build each instead
    of an insertion per row); the id sequence is detached from the old table so that dropping
    it keeps the sequence, and the new table numbers on from where the old one stopped.
    """
    table, new = shape.table, f'{shape.table}_rebuilt'
    sequence = f'{table}_id_seq'
    op.execute(f'ALTER SEQUENCE {sequence} OWNED BY NONE')
    layout = f' PARTITION BY HASH ({shape.key})' if partitioned else ''
    op.execute(f'CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)'
               f'{layout}')
    if partitioned:
        for i in range(PARTITIONS):
            op.execute(f'CREATE TABLE {table}_p{i:02d} PARTITION OF {new} '
                       f'FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {i})')
    op.execute(f'INSERT INTO {new} SELECT * FROM {table}')
    op.execute(f'DROP TABLE {table}')
    op.execute(f'ALTER TABLE {new} RENAME TO {table}')
    key = f'id, {shape.key}' if partitioned else 'id'
    op.execute(f'ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({key})')
    for name, columns in shape.uniques:
        op.execute(f'ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE ({columns})')
    for name, columns in shape.indexes:
        op.execute(f'CREATE INDEX {name} ON {table} ({columns})')
    for name, definition in shape.foreign_keys:
        op.execute(f'ALTER TABLE {table} ADD CONSTRAINT {name} {definition}')
    op.execute(f'ALTER SEQUENCE {sequence} OWNED BY {table}.id')
    op.execute(f'ANALYZE {table}')


def _sqlite_rebuilding_access_requests(change: str) -> None:
    """Drop or create the hit link of access requests on SQLite, which rebuilds the table.

    With foreign keys enforced, dropping the old copy would fail on the grants that name an
    access request: those links are kept aside, cleared, and put back.
    """
    op.execute('CREATE TEMP TABLE keep_grant_requests AS SELECT contribution_id, '
               'organisation_id, access_request_id FROM contribution_grants '
               'WHERE access_request_id IS NOT NULL')
    op.execute('UPDATE contribution_grants SET access_request_id = NULL')
    if change == 'create':  # a request whose hit is gone would fail the new key
        op.execute('UPDATE access_requests SET hit_id = NULL '
                   'WHERE hit_id NOT IN (SELECT id FROM hits)')
    with op.batch_alter_table('access_requests', schema=None) as batch_op:
        if change == 'drop':
            batch_op.drop_constraint(HIT_LINK, type_='foreignkey')
        else:
            batch_op.create_foreign_key(HIT_LINK, 'hits', ['hit_id'], ['id'],
                                        ondelete='SET NULL')
    op.execute('UPDATE contribution_grants SET access_request_id = (SELECT k.access_request_id '
               'FROM keep_grant_requests k WHERE k.contribution_id = '
               'contribution_grants.contribution_id AND k.organisation_id = '
               'contribution_grants.organisation_id)')
    op.execute('DROP TABLE keep_grant_requests')


def upgrade() -> None:
    if not _postgresql():
        _sqlite_rebuilding_access_requests('drop')
        return
    op.drop_constraint(HIT_LINK, 'access_requests', type_='foreignkey')
    for shape in SHAPES:
        _rebuild(shape, partitioned=True)


def downgrade() -> None:
    if not _postgresql():
        _sqlite_rebuilding_access_requests('create')
        return
    for shape in SHAPES:
        _rebuild(shape, partitioned=False)
    op.execute('UPDATE access_requests SET hit_id = NULL '
               'WHERE hit_id NOT IN (SELECT id FROM hits)')
    op.create_foreign_key(HIT_LINK, 'access_requests', 'hits', ['hit_id'], ['id'],
                          ondelete='SET NULL')
