"""Selectors held by several contributions, for exact distinct-selector counts.

A cell's distinct selectors are its observations minus its *repeats*: observations of a
selector the cell counts already. Only selectors two or more contributions hold can repeat,
and the summary keeps their observations (``shared_observations``). The repeats are counted
in SQL without joining each row to its contribution's labels (themes ...):

- per selector and the dimensions a row carries (time bucket, type), the set of visible
  contributions holding it (only sets of two or more: one holder cannot repeat);
- those sets counted per carried dimensions: selectors mostly repeat between the same few
  contributions, so this is a few rows where there were hundreds of thousands;
- per set, a cell with label L gets (holders labelled L) - 1 repeats for each selector.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    cast,
    func,
    literal,
    literal_column,
    select,
)

from intelpool.access import Principal
from intelpool.access.visibility import visible_contribution_ids
from intelpool.analysis.dimensions import Sources, day_bucket, expression
from intelpool.analysis.periods import Period
from intelpool.db.tables import (
    contribution_themes,
    contributions,
    organisations,
    shared_observations,
)

CARRIED = ("month", "quarter", "week", "type")  # dimensions the shared rows carry

Cell = tuple[str, ...]


def repeats(conn: Connection, principal: Principal, dims: tuple[str, ...],
            period: Period) -> dict[Cell, int]:
    """Per cell (() for no dimension): observations repeating a selector the cell counts."""
    so = shared_observations
    own = [d for d in dims if d in CARRIED]
    carried = [_carried(conn, d) for d in own]
    holder: ColumnElement[Any] = so.c.contribution_id
    if _walk_index(conn, principal, own):
        # An expression, so SQLite does not look the visible contributions' rows up by
        # their ids and sort them, but walks the index by selector and month, testing each.
        holder = holder + literal_column("0")
    where = [holder.in_(visible_contribution_ids(principal)),
             so.c.day >= period.days[0], so.c.day < period.days[1]]
    if len(own) == len(dims):
        # Every dimension on the row: a selector's rows in a cell less one. Grouped by
        # selector first, which SQLite does in the order of an index, not by sorting.
        rows = (select(*[c.label(f"k{i}") for i, c in enumerate(carried)],
                       func.count().label("n"))
                .where(*where).group_by(so.c.observable_id, *carried).subquery("rows"))
        keys = [rows.c[f"k{i}"] for i in range(len(carried))]
        query = select(*keys, func.sum(rows.c.n) - func.count()).group_by(*keys)
        n = len(carried)
        return {tuple(str(v) for v in row[:n]): int(row[n] or 0)
                for row in conn.execute(query)}
    holders = (select(*[c.label(f"k{i}") for i, c in enumerate(carried)],
                      _joined(conn, so.c.contribution_id).label("holders"))
               .where(*where).group_by(so.c.observable_id, *carried)
               .having(func.count() > 1).subquery("holders"))
    keys = [holders.c[f"k{i}"] for i in range(len(carried))]
    sets = select(*keys, holders.c.holders, func.count()).group_by(*keys, holders.c.holders)
    labels = {str(cid): frozenset(held) for cid, held in
              _contribution_labels(conn, principal, [d for d in dims if d not in own]).items()}
    place = _placing(dims, own)
    # A set of holders recurs in many months: its repeats per label are worked out once.
    per_set: dict[str, list[tuple[Cell, int]]] = {}
    out: Counter[Cell] = Counter()
    for *values, joined, selectors in conn.execute(sets):
        repeated = per_set.get(joined)
        if repeated is None:
            ids = joined.split(",")
            if len(ids) == 2:  # most often: a label both hold repeats once
                repeated = [(lab, 1) for lab in labels[ids[0]] & labels[ids[1]]]
            else:
                held = Counter(lab for cid in ids for lab in labels[cid])
                repeated = [(lab, n - 1) for lab, n in held.items() if n > 1]
            per_set[joined] = repeated
        if repeated:
            carried_values = tuple(str(v) for v in values)
            for label, n in repeated:
                out[place(carried_values, label)] += n * int(selectors)
    return dict(out)


def _placing(dims: tuple[str, ...], own: list[str]) -> Callable[[Cell, Cell], Cell]:
    """How a cell's key is made of the values the row carries and a contribution's label,
    each in the order of ``dims``."""
    if not own:
        return lambda _carried, label: label
    if len(dims) == 2 and len(own) == 1:
        if dims[0] in own:
            return lambda carried, label: (carried[0], label[0])
        return lambda carried, label: (label[0], carried[0])

    def place(carried: Cell, label: Cell) -> Cell:
        row, parts = iter(carried), iter(label)
        return tuple(next(row) if d in own else next(parts) for d in dims)

    return place


def _walk_index(conn: Connection, principal: Principal, own: list[str]) -> bool:
    """Whether to group the shared rows in the order of SQLite's index by selector and month
    (``db/tables_summary.py``): when it orders them for these dimensions, and the viewer may
    see a good part of the pool, so that reading the whole index costs less than finding
    the rows of each visible contribution and sorting them."""
    if conn.dialect.name != "sqlite" or not set(own) <= {"month"}:
        return False
    seen = conn.execute(select(func.count()).select_from(
        visible_contribution_ids(principal).subquery())).scalar_one()
    every = conn.execute(select(func.count()).select_from(contributions)).scalar_one()
    return bool(seen) and seen * 4 >= every


def _carried(conn: Connection, dim: str) -> ColumnElement[Any]:
    so = shared_observations
    return so.c.type if dim == "type" else day_bucket(dim, so.c.day, conn.dialect.name)


def _joined(conn: Connection, value: ColumnElement[Any]) -> ColumnElement[Any]:
    """The values of a group as one comma-separated text (order does not matter here)."""
    text = cast(value, String)
    if conn.dialect.name == "postgresql":
        return func.string_agg(text, literal(","))
    return func.group_concat(text, literal(","))


def _contribution_labels(conn: Connection, principal: Principal, dims: list[str]
                         ) -> dict[int, set[Cell]]:
    """Each visible contribution's labels in these contribution dimensions (several when
    it has several themes)."""
    joined = contributions.join(organisations,
                                organisations.c.id == contributions.c.originator_id)
    if "theme" in dims:
        joined = joined.outerjoin(contribution_themes,
                                  contribution_themes.c.contribution_id == contributions.c.id)
    src = Sources(contributions, organisations, contribution_themes, literal(None), None,
                  principal.organisation_id)
    query = select(contributions.c.id, *[expression(d, src, conn.dialect.name) for d in dims]
                   ).select_from(joined).where(
        contributions.c.id.in_(visible_contribution_ids(principal)))
    out: dict[int, set[Cell]] = defaultdict(set)
    for cid, *values in conn.execute(query):
        out[int(cid)].add(tuple(str(v) for v in values))
    return out
