"""The hit summary: hits per pair of contributions, day first found and the two selectors'
types (``hit_counts``), so statistics sum a few rows per contribution pair instead of
reading every hit.

A submission changes the rows by what it changes, under the matching lock: the hits it
folds away are taken out (``take_out``: their rows as they stand), and each hit it wrote
leaves its row as stored before and joins its row as it stands now (``follow_recorded``),
so a refreshed hit moved to a newer contribution leaves its old row and joins its new one.
Its cost follows the hits the submission touches, not the hits its organisations already
share. ``recount(conn)`` counts the whole pool again from ``hits`` (a rematch, retyping,
the migration).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    TextClause,
    column,
    delete,
    func,
    insert,
    inspect,
    literal,
    select,
    table,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from intelpool.db.tables import hit_counts, hits, observables
from intelpool.db.types import UTCDateTime
from intelpool.pool.summary import day_of


def recount(conn: Connection) -> None:
    """Count every row again from ``hits``."""
    if kept(conn):
        conn.execute(delete(hit_counts))
        conn.execute(insert(hit_counts).from_select(
            [*_KEY, "hits"], _grouped(conn, true(), 1)))


def kept(conn: Connection) -> bool:
    """Whether the pool keeps the summary: one not yet migrated to it has none (the
    migration fills it). Matching asks once per submission."""
    return inspect(conn).has_table("hit_counts")


def take_out(conn: Connection, where: ColumnElement[bool] | TextClause) -> None:
    """Before the hits ``where`` selects are deleted: take their rows out."""
    _add(conn, _grouped(conn, where, -1))


def follow_recorded(conn: Connection, now: datetime) -> None:
    """After a submission's hits (``tmp_hits``, matching/record.py) are written at ``now``:
    each one's row as stored before (``was_*``; none for a new hit) goes out and its row as
    it stands now comes in, both from ``tmp_hits`` itself: the two selectors' types came
    with the matches, and the stored hit was read before it was written. A refreshed hit
    whose row stays the same changes nothing."""
    t = _recorded
    before = select(t.c.org_a_id, t.c.org_b_id, t.c.was_contribution_a_id,
                    t.c.was_contribution_b_id, day_of(conn, t.c.was_first_at), t.c.type_a,
                    t.c.type_b, literal(-1)).where(t.c.was_first_at.is_not(None))
    first_at = func.coalesce(t.c.was_first_at, literal(now, UTCDateTime))
    after = select(t.c.org_a_id, t.c.org_b_id, t.c.contribution_a_id, t.c.contribution_b_id,
                   day_of(conn, first_at), t.c.type_a, t.c.type_b, literal(1))
    change = union_all(before, after).subquery("change")
    key = [change.c[i] for i in range(len(_KEY))]
    net = func.sum(change.c[len(_KEY)])
    _add(conn, select(*key, net).group_by(*key).having(net != 0))


# The scratch table of a submission's hits (matching/record.py).
_recorded = table("tmp_hits", *(column(c) for c in (
    "org_a_id", "org_b_id", "contribution_a_id", "contribution_b_id", "was_contribution_a_id",
    "was_contribution_b_id", "type_a", "type_b")), column("was_first_at", UTCDateTime))


def _add(conn: Connection, rows: Select[Any]) -> None:
    """Add the signed counts ``rows`` gives (one per key) to the summary; rows counted down to
    nothing go."""
    upsert = (sqlite_insert if conn.dialect.name == "sqlite" else pg_insert)(hit_counts)
    grouped = upsert.from_select([*_KEY, "hits"], rows)
    conn.execute(grouped.on_conflict_do_update(
        index_elements=list(_KEY), set_={"hits": hit_counts.c.hits + upsert.excluded.hits}))
    conn.execute(delete(hit_counts).where(hit_counts.c.hits <= 0))


_KEY = ("org_a_id", "org_b_id", "contribution_a_id", "contribution_b_id", "day", "type_a",
        "type_b")


def _grouped(conn: Connection, where: ColumnElement[bool] | TextClause,
             sign: int) -> Select[Any]:
    """The counts of the hits ``where`` selects, each with ``sign``, by summary key."""
    side_a, side_b = observables.alias("side_a"), observables.alias("side_b")
    columns = [hits.c.org_a_id, hits.c.org_b_id, hits.c.contribution_a_id,
               hits.c.contribution_b_id, day_of(conn, hits.c.first_at).label("day"),
               side_a.c.type.label("type_a"), side_b.c.type.label("type_b")]
    return (select(*columns, (func.count() * sign).label("hits"))
            .select_from(hits.join(side_a, side_a.c.id == hits.c.observable_a_id)
                         .join(side_b, side_b.c.id == hits.c.observable_b_id))
            .where(where).group_by(*columns))
