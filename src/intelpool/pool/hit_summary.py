"""The hit summary: hits per pair of contributions, day first found and the two selectors'
types (``hit_counts``), so statistics sum a few rows per contribution pair instead of
reading every hit.

Rows are recounted from ``hits`` for whole organisation pairs, so whatever matching does to
a pair's hits (new ones, refreshed ones moved to a newer contribution, hits folded into a
widespread selector, a rematch updating or rebuilding them) the rows follow:
- ``recount_matched`` after a submission's hits are recorded (the pairs in its scratch
  tables), in the matching transaction, under its lock;
- ``recount(conn)`` for the whole pool (a rematch, retyping, the migration).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    func,
    insert,
    inspect,
    select,
    true,
)

from intelpool.db.tables import hit_counts, hits, observables
from intelpool.pool.summary import day_of

Pair = tuple[int, int]


def recount(conn: Connection, pairs: Iterable[Pair] | None = None) -> None:
    """Recount the rows of these (org_a, org_b) pairs, or of every pair (None)."""
    if _kept(conn):
        _recount(conn, pairs)


def _kept(conn: Connection) -> bool:
    """Whether the pool keeps the summary: one not yet migrated to it has none (the
    migration fills it)."""
    return inspect(conn).has_table("hit_counts")


def _recount(conn: Connection, pairs: Iterable[Pair] | None) -> None:
    if pairs is None:
        conn.execute(delete(hit_counts))
        _insert(conn, true())
        return
    for where in _pair_filters(set(pairs)):
        conn.execute(delete(hit_counts).where(where(hit_counts.c.org_a_id,
                                                    hit_counts.c.org_b_id)))
        _insert(conn, where(hits.c.org_a_id, hits.c.org_b_id))


def recount_matched(conn: Connection, me: int, *, folded: bool) -> None:
    """After ``me``'s submission recorded its hits: recount the pairs it recorded (the
    scratch table ``tmp_hits``) and, when it ``folded`` earlier hits into a selector that
    became widespread, the pairs of that selector's holders (``tmp_match`` names them);
    without a fold no other pair's hits changed."""
    if not _kept(conn):
        return
    recorded = conn.exec_driver_sql("SELECT DISTINCT org_a_id, org_b_id FROM tmp_hits").all()
    holders = {int(o) for (o,) in conn.exec_driver_sql(
        "SELECT DISTINCT m.org_id FROM tmp_match m JOIN tmp_probe p ON p.probe_key = "
        "m.probe_key WHERE m.kind = 'exact' AND p.observable_id IN "
        "(SELECT observable_id FROM widespread)")} if folded else set()
    pairs = {(int(a), int(b)) for a, b in recorded}
    if holders:
        pairs |= set(combinations(sorted(holders | {int(me)}), 2))  # exact: org_a < org_b
    _recount(conn, pairs)


def _pair_filters(pairs: set[Pair]) -> list[_PairFilter]:
    """One filter per organisation on the side with fewer distinct organisations: each reads
    that organisation's hits through its index once, whatever the number of partners."""
    by_a: dict[int, set[int]] = defaultdict(set)
    by_b: dict[int, set[int]] = defaultdict(set)
    for a, b in pairs:
        by_a[a].add(b)
        by_b[b].add(a)
    if len(by_a) <= len(by_b):
        return [_PairFilter(a, sorted(bs), first=True) for a, bs in sorted(by_a.items())]
    return [_PairFilter(b, sorted(as_), first=False) for b, as_ in sorted(by_b.items())]


class _PairFilter:
    """org_a = one AND org_b IN others (or the other way round)."""

    def __init__(self, one: int, others: list[int], *, first: bool) -> None:
        self.one, self.others, self.first = one, others, first

    def __call__(self, org_a: ColumnElement[int], org_b: ColumnElement[int]
                 ) -> ColumnElement[bool]:
        fixed, rest = (org_a, org_b) if self.first else (org_b, org_a)
        return and_(fixed == self.one, rest.in_(self.others))


def _insert(conn: Connection, where: ColumnElement[bool]) -> None:
    side_a, side_b = observables.alias("side_a"), observables.alias("side_b")
    columns = [hits.c.org_a_id, hits.c.org_b_id, hits.c.contribution_a_id,
               hits.c.contribution_b_id, day_of(conn, hits.c.first_at), side_a.c.type,
               side_b.c.type]
    query = (select(*columns, func.count())
             .select_from(hits.join(side_a, side_a.c.id == hits.c.observable_a_id)
                          .join(side_b, side_b.c.id == hits.c.observable_b_id))
             .where(where).group_by(*columns))
    conn.execute(insert(hit_counts).from_select(
        ["org_a_id", "org_b_id", "contribution_a_id", "contribution_b_id", "day", "type_a",
         "type_b", "hits"], query))
