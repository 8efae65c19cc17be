"""A submission's observations as written, read once into a scratch table (``tmp_written``).

The statistics summary groups them several ways, the index of served STIX ids names them
(``pool/stix_index.py``), and matching probes them (``matching/probe.py: probe_written``).
Each grouping joined the submission's observations to their observables again, and the
probe looked every selector up once more by its key: on PostgreSQL 100,000 primary-key
lookups for a feed of 100,000 lines. One row per observation: its contribution, id and
selector, the day and type it counts under, and the selector's matching keys. Filled in
the submission's transaction, after its last observation is written; the scratch table goes
with the transaction (PostgreSQL) or is emptied by the next fill (SQLite).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Connection,
    Date,
    String,
    TableClause,
    Text,
    column,
    insert,
    literal,
    select,
    table,
)

from intelpool.db import bulk
from intelpool.db.tables import contributions, observables, observations

WRITTEN: TableClause = table(
    "tmp_written", column("contribution_id", BigInteger), column("observation_id", BigInteger),
    column("observable_id", BigInteger),
    column("day", Date), column("type", String), column("value", Text),
    column("reported", Boolean), column("role", String), column("rev_name", Text),
    column("ip_lo", String), column("ip_hi", String), column("host", Text),
    column("fresh", Boolean))


def fill(conn: Connection, contribution_ids: Sequence[int], first_new: int | None) -> None:
    """Read the observations of these freshly stored contributions with their selectors.

    ``fresh``, on PostgreSQL: this transaction added the observable (numbered from
    ``first_new`` on, and written by it: ``xmin`` is its own transaction; nothing updates an
    observable while a submission is being written), so no other organisation can hold it
    yet. Another transaction can neither see the row nor add the same one until this one
    commits, and it matches after it under the matching lock.
    """
    from intelpool.pool.summary import observation_day  # summary reads this table

    bulk.create_temp_table(
        conn, "tmp_written",
        "contribution_id BIGINT, observation_id BIGINT, observable_id BIGINT, day DATE, "
        "type VARCHAR(32), value TEXT, reported BOOLEAN, role VARCHAR(64), rev_name TEXT, "
        "ip_lo VARCHAR(32), ip_hi VARCHAR(32), host TEXT, fresh BOOLEAN")
    ids = list(contribution_ids)
    selector: Any
    fresh: ColumnElement[bool]
    if bulk.is_sqlite(conn):
        selector = observables
        fresh = literal(False)
    else:
        # Each observation's observable is one primary-key lookup (LATERAL, fenced by the
        # OFFSET): the statistics cannot yet know the new contributions, and a guess of a
        # few rows made a nested loop over every observation per observable.
        selector = (select(observables.c.id, observables.c.type, observables.c.value,
                           observables.c.rev_name, observables.c.ip_lo, observables.c.ip_hi,
                           observables.c.host, column("xmin"))
                    .where(observables.c.id == observations.c.observable_id)
                    .offset(0).lateral("ob"))
        fresh = literal(False) if first_new is None else \
            (selector.c.id >= int(first_new)) & (selector.c.xmin == column(
                "pg_current_xact_id()::xid", is_literal=True))
    query = (select(observations.c.contribution_id, observations.c.id,
                    observations.c.observable_id,
                    observation_day(conn), selector.c.type, selector.c.value,
                    observations.c.first_seen.is_not(None), observations.c.role,
                    selector.c.rev_name, selector.c.ip_lo, selector.c.ip_hi, selector.c.host,
                    fresh)
             .select_from(observations.join(contributions,
                                            contributions.c.id == observations.c.contribution_id)
                          .join(selector, selector.c.id == observations.c.observable_id))
             .where(observations.c.contribution_id.in_(ids)))
    conn.execute(insert(WRITTEN).from_select([c.name for c in WRITTEN.c], query))
    # The readers filter and group on these; sampling the selectors' text too took a third
    # of the fill's time on PostgreSQL.
    bulk.analyze(conn, "tmp_written (contribution_id, observable_id, fresh, day, type, reported)")
