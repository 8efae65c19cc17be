"""Trends over what a viewer may see: the last window against the ones before it.

Every query applies the visibility predicate; subjects are themes, malware families and
threat actors (entities by name), hosting networks and top-level domains of C2 and phishing
infrastructure, phishing brands and cash-out channels.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)

from intelpool.access import Permission, Principal, require
from intelpool.access.visibility import visible_contribution, visible_contribution_ids
from intelpool.analysis.significance import ALPHA, change_p_value
from intelpool.db.tables import (
    contribution_themes,
    contributions,
    entities,
    observables,
    observations,
    organisations,
)
from intelpool.errors import InvalidInput

CATEGORIES = ("theme", "malware", "threat-actor", "network", "tld", "phishing-brand",
              "cash-out")
_ENTITY_KINDS = {"malware": ("malware",), "threat-actor": ("threat-actor", "intrusion-set")}
_WALLETS = ("btc-wallet", "eth-wallet", "xmr-wallet")
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


def _bucket(moment: ColumnElement[Any], windows: Windows) -> ColumnElement[Any]:
    bounds = windows.bounds
    return case(*[(moment >= bounds[i], literal(i)) for i in range(windows.count - 1, 0, -1)],
                else_=literal(0))


def _dialect_find(conn: Connection, text: ColumnElement[Any], sep: str) -> ColumnElement[Any]:
    if conn.dialect.name == "postgresql":
        return func.strpos(text, sep)
    return func.instr(text, sep)


def _before(conn: Connection, text: ColumnElement[Any], sep: str) -> ColumnElement[Any]:
    """The part of ``text`` before the first ``sep`` (all of it when there is none)."""
    padded = text + literal(sep)
    return func.substr(text, 1, _dialect_find(conn, padded, sep) - 1)


def _after(conn: Connection, text: ColumnElement[Any], sep: str) -> ColumnElement[Any]:
    return func.substr(text, _dialect_find(conn, text + literal(sep), sep) + 1)


def _subjects(conn: Connection, category: str) -> tuple[ColumnElement[Any],
                                                        ColumnElement[bool], bool, bool]:
    """(subject expression, extra condition, joins observables, joins entities)."""
    role = func.lower(func.coalesce(observations.c.role, ""))
    c2_or_phish = or_(role.like("%c2%"), role.like("%command%"), role.like("%phish%"))
    if category == "theme":
        return contribution_themes.c.theme, literal(True), False, False
    if category in _ENTITY_KINDS:
        return (func.lower(entities.c.name), entities.c.kind.in_(_ENTITY_KINDS[category]),
                False, True)
    if category == "network":
        return (observables.c.type + literal(" ") + observables.c.value,
                observables.c.type.in_(("asn", "cidr")), True, False)
    if category == "tld":
        return (_before(conn, observables.c.rev_name, "."),
                and_(observables.c.rev_name.is_not(None), c2_or_phish), True, False)
    if category == "phishing-brand":
        label = _before(conn, _after(conn, observables.c.rev_name, "."), ".")
        # A brand imitated as the first word of a hyphenated label: mybank-login-x.com
        return (_before(conn, label, "-"),
                and_(observables.c.rev_name.is_not(None), role.like("%phish%"),
                     label.like("%-%"),
                     observables.c.type.in_(("domain", "hostname", "url"))), True, False)
    # cash-out channels: wallet types and the countries of mule accounts' IBANs
    return (case((observables.c.type == "iban",
                  literal("IBAN ") + func.substr(observables.c.value, 1, 2)),
                 else_=observables.c.type),
            observables.c.type.in_((*_WALLETS, "iban")), True, False)


def _series(conn: Connection, principal: Principal, category: str, windows: Windows,
            theme: str | None) -> dict[str, dict[int, dict[int, int]]]:
    """subject -> window -> contribution -> observations."""
    subject, condition, with_observables, with_entities = _subjects(conn, category)
    moment = func.coalesce(observations.c.first_seen, contributions.c.received_at)
    joined = observations.join(contributions,
                               contributions.c.id == observations.c.contribution_id)
    if with_observables:
        joined = joined.join(observables, observables.c.id == observations.c.observable_id)
    if with_entities:
        joined = joined.join(entities, entities.c.contribution_id == contributions.c.id)
    if category == "theme":
        joined = joined.join(contribution_themes,
                             contribution_themes.c.contribution_id == contributions.c.id)
    where = [observations.c.contribution_id.in_(visible_contribution_ids(principal)),
             condition, moment >= windows.bounds[0],
             moment < windows.end]
    if theme:
        chosen = contribution_themes.alias("chosen_theme")
        where.append(exists(select(1).select_from(chosen).where(
            chosen.c.contribution_id == contributions.c.id, chosen.c.theme == theme)))
    bucket = _bucket(moment, windows)
    query = (select(subject, bucket, contributions.c.id, func.count())
             .select_from(joined.join(organisations,
                                      organisations.c.id == contributions.c.originator_id))
             .where(*where).group_by(subject, bucket, contributions.c.id))
    out: dict[str, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for name, window, cid, count in conn.execute(query):
        if name:
            out[str(name)][int(window)][int(cid)] = int(count)
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


def latest_visible(conn: Connection, principal: Principal) -> datetime | None:
    """The default anchor: when the newest observation the viewer may see was first seen
    (reported times first: a pool loaded with history at once arrived all today)."""
    seen: datetime | None = conn.execute(
        select(func.max(observations.c.first_seen)).select_from(observations.join(
            contributions, contributions.c.id == observations.c.contribution_id))
        .where(visible_contribution(principal))).scalar_one()
    if seen is not None:
        return seen
    arrived: datetime | None = conn.execute(
        select(func.max(contributions.c.received_at)).where(visible_contribution(principal))
    ).scalar_one()
    return arrived


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
