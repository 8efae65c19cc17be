"""The hit summary: hits per pair of contributions, day first found and the two selectors'
types (``hit_counts``), so statistics sum a few rows per contribution pair instead of
reading every hit.

A submission changes the rows by what it changes, under the matching lock: the hits it is
about to rewrite or delete are taken out (``take_out``: their rows as they stand) and the
hits it wrote put in (``put_in``), so a refreshed hit moved to a newer contribution leaves
its old row and joins its new one, and folded hits leave. Its cost follows the hits the
submission touches, not the hits its organisations already share. ``recount(conn)``
counts the whole pool again from ``hits`` (a rematch, retyping, the migration).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Select,
    TextClause,
    and_,
    column,
    delete,
    func,
    insert,
    inspect,
    select,
    table,
    true,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from intelpool.db.tables import hit_counts, hits, observables
from intelpool.pool.summary import day_of


def recount(conn: Connection) -> None:
    """Count every row again from ``hits``."""
    if kept(conn):
        conn.execute(delete(hit_counts))
        conn.execute(insert(hit_counts).from_select(
            [*_KEY, "hits"], _grouped(conn, hits, true(), 1)))


def kept(conn: Connection) -> bool:
    """Whether the pool keeps the summary: one not yet migrated to it has none (the
    migration fills it). Matching asks once per submission and says so to ``take_out`` and
    ``put_in``."""
    return inspect(conn).has_table("hit_counts")


# The scratch table of a submission's hits (matching/record.py), by the hits' unique key.
_recorded = table("tmp_hits", column("observable_a_id"), column("observable_b_id"),
                  column("org_a_id"), column("org_b_id"))
RECORDED = and_(hits.c.observable_a_id == _recorded.c.observable_a_id,
                hits.c.observable_b_id == _recorded.c.observable_b_id,
                hits.c.org_a_id == _recorded.c.org_a_id, hits.c.org_b_id == _recorded.c.org_b_id)


def take_out(conn: Connection, where: ColumnElement[bool] | TextClause, *,
             recorded: bool = False) -> None:
    """Before the hits ``where`` selects are deleted or rewritten: take their rows out
    (``recorded``: only those of the submission's hits in ``tmp_hits``)."""
    _change(conn, where, -1, recorded)


def put_in(conn: Connection) -> None:
    """After a submission's hits (``tmp_hits``) are written: count them in as they stand."""
    _change(conn, true(), 1, True)


def _change(conn: Connection, where: ColumnElement[bool] | TextClause, sign: int,
            recorded: bool) -> None:
    source: FromClause = hits.join(_recorded, RECORDED) if recorded else hits
    upsert = (sqlite_insert if conn.dialect.name == "sqlite" else pg_insert)(hit_counts)
    grouped = upsert.from_select([*_KEY, "hits"], _grouped(conn, source, where, sign))
    conn.execute(grouped.on_conflict_do_update(
        index_elements=list(_KEY), set_={"hits": hit_counts.c.hits + upsert.excluded.hits}))
    if sign < 0:
        conn.execute(delete(hit_counts).where(hit_counts.c.hits <= 0))


_KEY = ("org_a_id", "org_b_id", "contribution_a_id", "contribution_b_id", "day", "type_a",
        "type_b")


def _grouped(conn: Connection, source: FromClause, where: ColumnElement[bool] | TextClause,
             sign: int) -> Select[Any]:
    side_a, side_b = observables.alias("side_a"), observables.alias("side_b")
    columns = [hits.c.org_a_id, hits.c.org_b_id, hits.c.contribution_a_id,
               hits.c.contribution_b_id, day_of(conn, hits.c.first_at).label("day"),
               side_a.c.type.label("type_a"), side_b.c.type.label("type_b")]
    return (select(*columns, (func.count() * sign).label("hits"))
            .select_from(source.join(side_a, side_a.c.id == hits.c.observable_a_id)
                         .join(side_b, side_b.c.id == hits.c.observable_b_id))
            .where(where).group_by(*columns))
