"""Statistical disclosure control: what the whole partnership may learn from pool-wide counts.

Partnership statistics count data a viewer may not see, so what they publish is decided
here, in one place, like visibility:
- which data feeds them at all (``statistics_source``): never TLP:RED (for named recipients
  only, so not even in aggregate), never an organisation that withholds its contributions;
- which cells are published (``protect``): a cell needs at least K distinct contributing
  organisations and N items, and no organisation may hold more than D of it; otherwise it is
  suppressed (shown as suppressed, never as zero). Totals and margins are cells too;
- secondary suppression: no row, column or total relation may leave exactly one suppressed
  entry, and no suppressed cell may be determined by the published ones (checked by rank);
- published counts are rounded to a multiple of R, and periods are whole calendar months or
  quarters, so overlapping queries cannot be differenced down to one contribution.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import ColumnElement, FromClause, and_, not_, select, true

from intelpool.db.tables import contributions, organisations
from intelpool.errors import InvalidInput

SUPPRESSED = "suppressed"
TOTAL = "(total)"


@dataclass(frozen=True, slots=True)
class DisclosureRules:
    """The thresholds: settings (INTELPOOL_DISCLOSURE_*), shown with every partnership table."""

    min_organisations: int = 3
    min_count: int = 10
    dominance_percent: int = 85
    rounding: int = 5

    def __post_init__(self) -> None:
        checks = (
            ("minimum organisations", self.min_organisations, 2, 100),
            ("minimum count", self.min_count, 1, 1_000_000),
            ("dominance percent", self.dominance_percent, 50, 99),
            ("rounding", self.rounding, 1, 1000),
        )
        for name, value, low, high in checks:
            if not low <= value <= high:
                raise InvalidInput(f"disclosure {name} {value} is out of range: use {low} to "
                                   f"{high}")

    def describe(self) -> dict[str, int]:
        return {"min_organisations": self.min_organisations, "min_count": self.min_count,
                "dominance_percent": self.dominance_percent, "rounding": self.rounding}

    def text(self) -> str:
        return (f"partnership rules: a cell needs >= {self.min_organisations} organisations and "
                f">= {self.min_count} items, no organisation over {self.dominance_percent}%; "
                f"counts rounded to multiples of {self.rounding}; periods are whole calendar "
                "months or quarters")


@dataclass(slots=True)
class CellFigures:
    """One cell before protection: its total and what each organisation brought to it.

    ``by_org`` may sum to more than ``total`` (a hit involves two organisations).
    """

    total: int = 0
    by_org: dict[int, int] = field(default_factory=dict)

    def add(self, org: int, count: int) -> None:
        self.by_org[org] = self.by_org.get(org, 0) + count


def statistics_source(contribution: FromClause = contributions) -> ColumnElement[bool]:
    """The contributions partnership statistics may count (a predicate for SQL)."""
    withheld = select(organisations.c.id).where(organisations.c.statistics_withheld == true())
    return and_(contribution.c.tlp != "red", not_(contribution.c.originator_id.in_(withheld)))


def passes(cell: CellFigures, rules: DisclosureRules) -> bool:
    """Primary suppression: may this cell be published on its own?"""
    if cell.total < rules.min_count or len([c for c in cell.by_org.values() if c > 0]) < \
            rules.min_organisations:
        return False
    return max(cell.by_org.values()) * 100 <= rules.dominance_percent * cell.total


def round_count(value: int, rules: DisclosureRules) -> int:
    step = rules.rounding
    return int((value + step // 2) // step * step)


Key = tuple[Hashable, ...]


@dataclass(frozen=True, slots=True)
class ProtectedTable:
    """Published values by key (None: suppressed); keys with TOTAL are margins."""

    values: dict[Key, int | None]
    primary: frozenset[Key]
    secondary: frozenset[Key]


def protect(cells: Mapping[Key, CellFigures], rules: DisclosureRules) -> ProtectedTable:
    """Protect a one- or two-dimensional table: interior cells plus margins and grand total.

    ``cells`` holds the interior cells; margins are summed here so they agree with them.
    """
    dims = len(next(iter(cells))) if cells else 1
    full = _with_margins(cells, dims)
    primary = {k for k, c in full.items() if not passes(c, rules)}
    suppressed = set(primary)
    relations = _relations(full, dims)
    _secondary(full, relations, suppressed)
    values = {k: None if k in suppressed else round_count(c.total, rules)
              for k, c in full.items()}
    return ProtectedTable(values, frozenset(primary), frozenset(suppressed - primary))


def _with_margins(cells: Mapping[Key, CellFigures], dims: int) -> dict[Key, CellFigures]:
    full: dict[Key, CellFigures] = {k: c for k, c in cells.items() if c.total > 0}
    margins: dict[Key, CellFigures] = {}
    for key, cell in list(full.items()):
        targets: set[Key] = {(TOTAL,) * dims}
        if dims == 2:
            targets |= {(key[0], TOTAL), (TOTAL, key[1])}
        for target in targets:
            m = margins.setdefault(target, CellFigures())
            m.total += cell.total
            for org, n in cell.by_org.items():
                m.add(org, n)
    full.update(margins)
    return full


def _relations(full: Mapping[Key, CellFigures], dims: int) -> list[tuple[Key, list[Key]]]:
    """Each margin with the entries that sum to it."""
    grand = (TOTAL,) * dims
    if dims == 1:
        return [(grand, [k for k in full if k != grand])]
    out: list[tuple[Key, list[Key]]] = []
    rows = {k[0] for k in full if k[0] != TOTAL}
    cols = {k[1] for k in full if k[1] != TOTAL}
    for r in rows:
        out.append(((r, TOTAL), [k for k in full if k[0] == r and k[1] != TOTAL]))
    for c in cols:
        out.append(((TOTAL, c), [k for k in full if k[1] == c and k[0] != TOTAL]))
    out.append((grand, [(r, TOTAL) for r in rows]))
    out.append((grand, [(TOTAL, c) for c in cols]))
    return out


def _secondary(full: Mapping[Key, CellFigures], relations: list[tuple[Key, list[Key]]],
               suppressed: set[Key]) -> None:
    """Suppress more cells until no suppressed cell can be computed from published ones."""
    while True:
        changed = False
        for margin, parts in relations:
            members = [margin, *parts]
            hidden = [k for k in members if k in suppressed]
            if len(hidden) == 1:
                candidates = [k for k in members if k not in suppressed]
                if not candidates:
                    continue
                # The smallest published part costs the least information; the margin last.
                candidates.sort(key=lambda k: (k == margin, full[k].total, str(k)))
                suppressed.add(candidates[0])
                changed = True
        if changed:
            continue
        determined = _determined(full, relations, suppressed)
        if determined is None:
            return
        published = [k for k in full if k not in suppressed]
        published.sort(key=lambda k: (TOTAL in k, full[k].total, str(k)))
        if not published:
            return
        suppressed.add(published[0])


def _determined(full: Mapping[Key, CellFigures], relations: list[tuple[Key, list[Key]]],
               suppressed: set[Key]) -> Key | None:
    """A suppressed cell whose value follows from the relations and published cells, if any.

    With A the relations restricted to the suppressed cells, the solutions are x0 + N z
    (N spanning A's null space): x_i is determined exactly when row i of N is zero.
    """
    hidden = sorted(suppressed, key=str)
    if not hidden:
        return None
    index = {k: i for i, k in enumerate(hidden)}
    rows = []
    for margin, parts in relations:
        row = np.zeros(len(hidden))
        for k in parts:
            if k in index:
                row[index[k]] += 1.0
        if margin in index:
            row[index[margin]] -= 1.0
        if row.any():
            rows.append(row)
    if not rows:
        return None
    _, singular, vt = np.linalg.svd(np.array(rows))
    rank = int((singular > 1e-9).sum())
    free = np.abs(vt[rank:]).sum(axis=0) if rank < len(hidden) else np.zeros(len(hidden))
    for k, i in index.items():
        if free[i] < 1e-9:
            return k
    return None
