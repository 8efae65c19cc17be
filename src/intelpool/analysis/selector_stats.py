"""Per visible selector: partners, sightings, best evaluation, recency, warning flag.

One row per visible observation is read (its selector, its contribution and its dates as
epoch seconds) and grouped in numpy: grouping by selector in SQL walked the observations in
selector order, one random read each, and cost three times the plain read at a million.
What a contribution says (originator, reliability, credibility) is read once per
contribution, not once per observation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Float, Integer, func, select
from sqlalchemy import cast as sql_cast
from sqlalchemy import extract as extract_

from intelpool.access import Principal
from intelpool.analysis.arrays import distinct, runs
from intelpool.analysis.extract import visible
from intelpool.db.bulk import is_sqlite
from intelpool.db.tables import observables, observations

UNKNOWN_GRADE = 0.3  # a letter or digit outside the grades, or none
READ_CHUNK = 2_000_000  # observation ids per read of the visible observations (SQLite)

_SEEN = np.dtype([("id", np.int64), ("contribution", np.int64), ("last", np.float64),
                  ("first", np.float64)])


def observed(conn: Connection, principal: Principal) -> npt.NDArray[Any]:
    """One row per visible observation (its selector, its contribution, the last and first
    dates it states as epoch seconds, NaN when none), ordered by selector, then by
    contribution: the statistics below and the co-listing links are grouped from it."""
    seen = _read_sqlite(conn, principal) if is_sqlite(conn) else _read(conn, principal)
    if not len(seen):
        return seen
    # One sort of a combined key: a selector is observed once per contribution.
    span = int(seen["contribution"].max()) + 1
    return seen[np.argsort(seen["id"] * span + seen["contribution"])]


def _read(conn: Connection, principal: Principal) -> npt.NDArray[Any]:
    vis = visible(principal)
    o = observations.c
    query = (select(o.observable_id, o.contribution_id,
                    _epoch(func.coalesce(o.last_seen, o.first_seen)),
                    _epoch(func.coalesce(o.first_seen, o.last_seen)))
             .join(vis, vis.c.id == o.contribution_id))
    # Straight from the driver's cursor into typed columns: a million rows would otherwise
    # cost a million Python row objects (NULL dates -> NaN).
    return np.fromiter(cast(Iterable[tuple[Any, ...]], conn.execute(query).cursor), _SEEN)


def _read_sqlite(conn: Connection, principal: Principal) -> npt.NDArray[Any]:
    """As ``_read``, each column coming as one text of its values: the driver's row tuples
    cost half the read at a million observations. A range of observation ids at a time, so
    the texts stay tens of megabytes however large the pool."""
    vis = visible(principal)
    o = observations.c
    columns = (o.observable_id, o.contribution_id,
               _millis(func.coalesce(o.last_seen, o.first_seen)),
               _millis(func.coalesce(o.first_seen, o.last_seen)))
    top = conn.execute(select(func.max(o.id))).scalar() or 0
    parts = []
    for low in range(0, top, READ_CHUNK):
        texts = conn.execute(
            select(*(func.group_concat(c) for c in columns))
            .select_from(observations.join(vis, vis.c.id == o.contribution_id))
            .where(o.id > low, o.id <= low + READ_CHUNK)).one()
        if texts[0] is None:
            continue
        ids, cids, last, first = (np.fromstring(t, np.int64, sep=",") for t in texts)
        part = np.empty(len(ids), _SEEN)
        part["id"], part["contribution"] = ids, cids
        part["last"], part["first"] = _seconds(last), _seconds(first)
        parts.append(part)
    return np.concatenate(parts) if parts else np.zeros(0, _SEEN)


def node_stats(conn: Connection, principal: Principal,
               seen: npt.NDArray[Any] | None = None) -> dict[str, npt.NDArray[Any]]:
    """Per visible observable, by ascending id: partners (distinct originators), sightings
    (visible observations), evaluation (the best reliability letter and the best credibility
    digit, as 0..1 each, averaged), first and last seen (epoch seconds of the dates the data
    states, 0 when none: a file's arrival says nothing of when a selector was active) and
    whether a warninglist marks it. ``seen`` is what ``observed`` read, when read already."""
    vis = visible(principal)
    if seen is None:
        seen = observed(conn, principal)
    by_contribution = conn.execute(select(vis.c.id, vis.c.originator_id, vis.c.reliability,
                                          vis.c.credibility).order_by(vis.c.id)).all()
    cids = np.array([r[0] for r in by_contribution], np.int64)
    originator = np.array([r[1] for r in by_contribution], np.int64)
    at = np.searchsorted(cids, seen["contribution"])
    starts, sightings = runs(seen["id"])
    ids = seen["id"][starts]
    # Distinct (selector, originator) pairs, counted per selector.
    span = int(originator.max()) + 1 if len(originator) else 1
    group = np.repeat(np.arange(len(ids), dtype=np.int64), sightings)
    pairs = distinct(group * span + originator[at])
    partners = np.bincount(pairs // span, minlength=len(ids))
    reliability = _best([r[2] for r in by_contribution], "ABCDEF", at, starts)
    credibility = _best([r[3] for r in by_contribution], "123456", at, starts)
    warned = [r[0] for r in conn.execute(select(observables.c.id)
                                         .where(observables.c.warning.is_not(None)))]
    last = np.fmax.reduceat(seen["last"], starts) if len(seen) else np.zeros(0)
    first = np.fmin.reduceat(seen["first"], starts) if len(seen) else np.zeros(0)
    return {
        "id": ids,
        "partners": partners.astype(np.int32),
        "sightings": sightings.astype(np.int32),
        "evaluation": np.round((reliability + credibility) / 2, 3).astype(np.float32),
        "last": np.nan_to_num(last),
        "warned": np.isin(ids, np.array(warned, np.int64)).astype(np.int8),
        "first": np.nan_to_num(first),
        # Filled for the selectors the results name (``names``): most are in no network.
        "type": np.full(len(ids), None, dtype=object),
        "value": np.full(len(ids), None, dtype=object),
    }


def _epoch(moment: Any) -> Any:
    return sql_cast(extract_("epoch", moment), Float)


def _millis(moment: Any) -> Any:
    """SQLite's Julian day number as whole milliseconds (which it carries exactly), -1 for
    none: formatting each date as epoch text and parsing it back (``strftime('%s')``) cost
    a quarter of the read at a million observations."""
    return func.coalesce(sql_cast(func.round(func.julianday(moment) * 86_400_000.0), Integer), -1)


def _seconds(millis: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Whole epoch seconds of Julian milliseconds, as SQLite's ``strftime('%s')`` gives
    them; NaN for none (-1)."""
    out = np.full(len(millis), np.nan)
    known = millis >= 0
    out[known] = millis[known] // 1000 - _JULIAN_EPOCH_SECONDS
    return out


_JULIAN_EPOCH_SECONDS = 210_866_760_000  # the Julian day number of 1970-01-01, in seconds


def _best(stated: list[str | None], grades: str, at: npt.NDArray[np.int64],
          starts: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Per selector: the grade of the least letter (or digit) its contributions state, as
    0..1 (the first grade best); UNKNOWN_GRADE when that is no grade or none is stated."""
    letters = sorted({s for s in stated if s is not None})
    rank = {s: i for i, s in enumerate(letters)}
    none = len(letters)  # ranks after every letter: stated letters win the minimum
    of_contribution = np.array([rank[s] if s is not None else none for s in stated], np.int64)
    value = np.array([_grade(s, grades) for s in letters] + [UNKNOWN_GRADE], np.float64)
    if not len(starts):
        return np.zeros(0)
    return value[np.minimum.reduceat(of_contribution[at], starts)]


def _grade(letter: str, grades: str) -> float:
    i = grades.find(letter) if len(letter) == 1 else -1
    return 1 - i / (len(grades) - 1) if i >= 0 else UNKNOWN_GRADE
