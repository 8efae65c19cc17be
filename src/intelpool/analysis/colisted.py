"""Selectors that two lists both hold, paired in numpy from the visible observations.

Each pair of contributions stating no links of their own and sharing at least two selectors
links what they share. Unrelated lines of two lists rarely meet twice, so this holds where
co-listing in one long list (a feed, a bank's monthly event, a file of wallets from several
cases) says nothing. Selectors listed very often are left to the hub rules; so are overlaps
too large to be one group's.

The observations come from the statistics' read of the viewer's visible data (``observed``),
so grouping them here reads nothing again: the self-joins in SQL walked the observations
twice more at a million.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, select

from intelpool.access import Principal
from intelpool.analysis.arrays import runs
from intelpool.analysis.extract import LARGE_RECORD, TOGETHER, RawEdges, visible
from intelpool.db.tables import relationships

IntArray = npt.NDArray[np.int64]
LABEL = "listed together twice"
# Only selectors listed at most this often count, and the link two lists make weighs this
# much (spread over what the two share).
COLISTED_SIGHTINGS = 20
COLISTED_WEIGHT = 1.0


def colisted_edges(conn: Connection, principal: Principal, oid: IntArray,
                   cid: IntArray) -> RawEdges:
    """Links of selectors two lists share. ``oid`` and ``cid`` are the visible
    observations' selectors and contributions, ordered by selector, then contribution.
    Each link comes once per contribution behind it, half the weight each, ordered by its
    first selector, the two contributions, then its second selector."""
    starts, sizes = runs(oid)
    rare = (sizes >= 2) & (sizes <= COLISTED_SIGHTINGS)
    first, second = _pairs(starts[rare], sizes[rare])
    pair_oid, c1, c2 = oid[first], cid[first], cid[second]
    # A file that states its own links (STIX relationships, indicators of named actors)
    # already says which case each selector belongs to: a list sharing lines of two of its
    # cases must not join them. Only lists that state nothing link this way.
    linked = _linked(conn, principal)
    keep = ~np.isin(c1, linked) & ~np.isin(c2, linked)
    pair_oid, c1, c2 = pair_oid[keep], c1[keep], c2[keep]
    if not len(pair_oid):
        return _empty()
    # The selectors each two lists share, grouped by the two lists.
    span = int(c2.max()) + 1
    order = np.lexsort((pair_oid, c2, c1))
    group, members = c1[order] * span + c2[order], pair_oid[order]
    starts, sizes = runs(group)
    shared = (sizes >= 2) & (sizes <= LARGE_RECORD)
    starts, sizes = starts[shared], sizes[shared]
    first, second = _pairs(starts, sizes)
    k = np.repeat(sizes, sizes * (sizes - 1) // 2)
    a, b = members[first], members[second]
    g1, g2 = group[first] // span, group[first] % span
    order = np.lexsort((b, g2, g1, a))
    a, b, g1, g2, k = a[order], b[order], g1[order], g2[order], k[order]
    n = len(a)
    return RawEdges(
        a=np.repeat(a * 4, 2), b=np.repeat(b * 4, 2),
        kind=np.full(2 * n, TOGETHER, np.int8), label=[LABEL] * (2 * n),
        contribution=np.column_stack((g1, g2)).ravel(),
        weight=np.repeat(0.5 * COLISTED_WEIGHT / (k - 1), 2))


def _pairs(starts: IntArray, sizes: IntArray) -> tuple[IntArray, IntArray]:
    """Positions (i, j), i < j, of every two items of each run, run by run, each run's in
    the order of ``np.triu_indices``."""
    at = np.zeros(len(starts) + 1, np.int64)
    np.cumsum(sizes * (sizes - 1) // 2, out=at[1:])
    first = np.zeros(int(at[-1]), np.int64)
    second = np.zeros(int(at[-1]), np.int64)
    for size in np.unique(sizes).tolist():
        if size < 2:
            continue
        runs = np.flatnonzero(sizes == size)
        i, j = np.triu_indices(size, 1)
        slots = at[runs][:, None] + np.arange(len(i))
        first[slots] = starts[runs][:, None] + i
        second[slots] = starts[runs][:, None] + j
    return first, second


def _linked(conn: Connection, principal: Principal) -> IntArray:
    """The visible contributions that state links of their own."""
    vis = visible(principal)
    r = relationships.c
    return np.fromiter(conn.execute(
        select(r.contribution_id).join(vis, vis.c.id == r.contribution_id)
        .where(r.source_id.is_not(None)).distinct()).scalars(), np.int64)


def _empty() -> RawEdges:
    return RawEdges(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int8), [],
                    np.zeros(0, np.int64), np.zeros(0))
