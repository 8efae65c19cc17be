"""Trends over what a viewer may see: the last window against the ones before it.

Every query applies the visibility predicate to the contributions behind the summary's
counts (``pool/summary.py``); windows are whole days. Subjects are themes, malware families
and threat actors (entities by name), hosting networks and top-level domains of C2 and
phishing infrastructure, phishing brands and cash-out channels. Malware families and threat
actors are resolved entities (``analysis/resolve.py``, as ``intelpool entities`` shows them):
names partners write differently, aliases and MISP galaxy synonyms count as one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    case,
    exists,
    func,
    literal,
    select,
    true,
)

from intelpool.access import Permission, Principal, require
from intelpool.access.visibility import visible_contribution, visible_contribution_ids
from intelpool.analysis.resolve import EntityRow, resolve
from intelpool.analysis.significance import ALPHA, change_p_value
from intelpool.db.tables import (
    contribution_themes,
    contributions,
    entities,
    observation_counts,
    subject_counts,
)
from intelpool.db.types import json_list
from intelpool.errors import InvalidInput
from intelpool.pool.summary import SELECTOR_CATEGORIES

CATEGORIES = ("theme", "malware", "threat-actor", "network", "tld", "phishing-brand",
              "cash-out")
_ENTITY_KINDS = {"malware": ("malware",), "threat-actor": ("threat-actor", "intrusion-set")}
CONTRIBUTIONS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class Windows:
    """``count`` windows of equal length ending at ``end``; the last is compared."""

    end: datetime
    length: timedelta
    count: int
    label: str

    @property
    def bounds(self) -> list[datetime]:
        return [self.end - self.length * (self.count - i) for i in range(self.count + 1)]

    @property
    def days(self) -> list[date]:
        """The bounds as days: windows begin and end at midnight (the summary counts days)."""
        for bound in (self.end, self.end - self.length):
            if bound != datetime(bound.year, bound.month, bound.day, tzinfo=UTC):
                raise ValueError(f"windows {self.label} do not begin and end at midnight")
        return [b.date() for b in self.bounds]


def parse_window(text: str) -> tuple[timedelta, str]:
    m = re.fullmatch(r"\s*(\d{1,3})\s*([dwm])\s*", text.lower())
    if not m or int(m[1]) == 0:
        raise InvalidInput(f"window {text!r}: use a number of days, weeks or months, "
                           "e.g. 4w or 3m")
    days = int(m[1]) * {"d": 1, "w": 7, "m": 30}[m[2]]
    return timedelta(days=days), f"{m[1]}{m[2]}"


@dataclass(slots=True)
class Trend:
    category: str
    subject: str
    counts: list[int]  # per window, oldest first
    change: str
    p_value: float
    direction: str  # rising, falling or steady
    contributions: list[int] = field(default_factory=list)
    contributions_total: int = 0

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA and self.direction != "steady"


@dataclass(slots=True)
class TrendReport:
    windows: list[str]
    window: str
    theme: str | None
    alpha: float
    trends: list[Trend]

    @property
    def empty(self) -> bool:
        return not self.trends


def _bucket(day: ColumnElement[Any], windows: Windows) -> ColumnElement[Any]:
    bounds = windows.days
    return case(*[(day >= bounds[i], literal(i)) for i in range(windows.count - 1, 0, -1)],
                else_=literal(0))


def _series(conn: Connection, principal: Principal, category: str, windows: Windows,
            theme: str | None) -> dict[str, dict[int, dict[int, int]]]:
    """subject -> window -> contribution -> observations, from the summary kept at ingest:
    counts are summed per contribution and window before themes or named things join."""
    if category not in CATEGORIES:
        raise InvalidInput(f"unknown trend category {category!r}")
    selector = category in SELECTOR_CATEGORIES
    table = subject_counts if selector else observation_counts
    cid, day = table.c.contribution_id, table.c.day
    bounds = windows.days
    where = [cid.in_(visible_contribution_ids(principal)), day >= bounds[0], day < bounds[-1]]
    if selector:
        where.append(subject_counts.c.category == category)
    if theme:
        chosen = contribution_themes.alias("chosen_theme")
        where.append(exists(select(1).select_from(chosen).where(
            chosen.c.contribution_id == cid, chosen.c.theme == theme)))
    if category in _ENTITY_KINDS:
        where.append(exists(select(1).select_from(entities).where(
            entities.c.contribution_id == cid, entities.c.kind.in_(_ENTITY_KINDS[category]))))
    columns = [cid.label("cid"), _bucket(day, windows).label("w")]
    if selector:
        columns.append(subject_counts.c.subject.label("subject"))
    summed = (select(*columns, func.sum(table.c.observations).label("n")).where(*where)
              .group_by(*columns).subquery("summed"))
    rows: FromClause = summed
    subject: ColumnElement[Any]
    if selector:
        subject = summed.c.subject
    elif category == "theme":
        rows = summed.join(contribution_themes,
                           contribution_themes.c.contribution_id == summed.c.cid)
        subject = contribution_themes.c.theme
    else:
        return by_entity(conn.execute(select(summed.c.cid, summed.c.w, summed.c.n)),
                         entity_names(conn, principal, category))
    query = (select(subject, summed.c.w, summed.c.cid, func.sum(summed.c.n)).select_from(rows)
             .group_by(subject, summed.c.w, summed.c.cid))
    out: dict[str, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for name, window, contribution, count in conn.execute(query):
        if name:
            out[str(name)][int(window)][int(contribution)] = int(count)
    return out


def entity_names(conn: Connection, principal: Principal, category: str
                 ) -> dict[int, set[str]]:
    """Each visible contribution's malware families (or threat actors) by resolved entity:
    the name of the cluster its entity belongs to. Resolution runs over the entities the
    viewer may see, so a hidden contribution's aliases never join two names; threat actors
    and intrusion sets are one category here."""
    rows = conn.execute(
        select(entities.c.id, entities.c.contribution_id, entities.c.name, entities.c.aliases,
               entities.c.body)
        .where(entities.c.kind.in_(_ENTITY_KINDS[category]),
               entities.c.contribution_id.in_(visible_contribution_ids(principal)))
        .order_by(entities.c.id))
    clusters = resolve(EntityRow(r[0], r[1], category, r[2], json_list(r[3]), r[4])
                       for r in rows)
    out: dict[int, set[str]] = defaultdict(set)
    for cluster in clusters:
        for contribution in cluster.contribution_ids:
            out[contribution].add(cluster.name)
    return out


def by_entity(rows: Any, names: dict[int, set[str]]) -> dict[str, dict[int, dict[int, int]]]:
    """Observations per (contribution, window) as subject -> window -> contribution ->
    observations: an observation counts once for each resolved entity of its contribution."""
    out: dict[str, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for contribution, window, count in rows:
        for name in names.get(int(contribution), ()):
            held = out[name][int(window)]
            held[int(contribution)] = held.get(int(contribution), 0) + int(count)
    return out


def _trend(category: str, subject: str, by_window: dict[int, dict[int, int]],
           count: int) -> Trend:
    counts = [sum(by_window.get(i, {}).values()) for i in range(count)]
    last, before = counts[-1], sum(counts[:-1])
    baseline = before / (count - 1) if count > 1 else 0.0
    p = change_p_value(last, before, count - 1)
    if before == 0:
        change = "new" if last else "none"
    elif last == 0:
        change = "gone"
    else:
        change = f"{(last - baseline) / baseline * 100:+.0f}%"
    direction = "steady" if p >= ALPHA else ("rising" if last > baseline else "falling")
    # The contributions behind the trend: the last window's first, then those before.
    behind = sorted(by_window.get(count - 1, {}), reverse=True) + sorted(
        {c for i in range(count - 1) for c in by_window.get(i, {})}
        - set(by_window.get(count - 1, {})), reverse=True)
    return Trend(category, subject, counts, change, p, direction,
                 behind[:CONTRIBUTIONS_SHOWN], len(behind))


def _order(trend: Trend) -> tuple[bool, float, int]:
    return (not trend.significant, trend.p_value, -sum(trend.counts))


def compute_trends(conn: Connection, principal: Principal, windows: Windows,
                   theme: str | None = None, *, per_category: int = 10,
                   categories: tuple[str, ...] = CATEGORIES,
                   progress: Callable[[str], None] | None = None) -> TrendReport:
    require(principal, Permission.POOL_READ)
    trends: list[Trend] = []
    for category in categories:
        if progress:
            progress(category)
        series = _series(conn, principal, category, windows, theme)
        found = sorted((_trend(category, s, w, windows.count) for s, w in series.items()),
                       key=_order)
        trends.extend(t for i, t in enumerate(found) if i < per_category or t.significant)
    labels = [f"{a:%Y-%m-%d}..{b - timedelta(seconds=1):%Y-%m-%d}"
              for a, b in zip(windows.bounds, windows.bounds[1:], strict=False)]
    return TrendReport(labels, windows.label, theme, ALPHA, trends)


def latest_visible(conn: Connection, principal: Principal) -> date | None:
    """The default anchor: the day of the newest sighting the viewer may see (reported
    times first: a pool loaded with history at once arrived all today)."""
    oc = observation_counts
    seen: date | None = conn.execute(
        select(func.max(oc.c.day)).where(
            oc.c.reported == true(),
            oc.c.contribution_id.in_(visible_contribution_ids(principal)))).scalar_one()
    if seen is not None:
        return seen
    arrived: datetime | None = conn.execute(
        select(func.max(contributions.c.received_at)).where(visible_contribution(principal))
    ).scalar_one()
    return arrived.date() if arrived else None


def trends_by_theme(conn: Connection, principal: Principal, windows: Windows,
                    themes: list[str], categories: tuple[str, ...]) -> dict[str, list[Trend]]:
    """Each theme's trends from one query per category: the series come per contribution,
    so a theme's share is the part of its contributions (no theme: NONE_LABEL)."""
    from intelpool.analysis.dimensions import NONE_LABEL
    from intelpool.pool.reads import contribution_context

    require(principal, Permission.POOL_READ)
    series = {c: _series(conn, principal, c, windows, None) for c in categories}
    ids = {cid for s in series.values() for w in s.values() for d in w.values() for cid in d}
    themes_of = contribution_context(conn, sorted(ids))["themes"]
    out: dict[str, list[Trend]] = {}
    for theme in themes:
        keep = {cid for cid in ids
                if (theme in themes_of[cid]) or (theme == NONE_LABEL and not themes_of[cid])}
        found: list[Trend] = []
        for category, by_subject in series.items():
            for subject, by_window in by_subject.items():
                part = {w: {c: n for c, n in d.items() if c in keep}
                        for w, d in by_window.items()}
                if any(part.values()):
                    found.append(_trend(category, subject, part, windows.count))
        out[theme] = found
    return out
