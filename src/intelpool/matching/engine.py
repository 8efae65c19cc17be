"""Recording hits: after every submission, and for the whole pool on a rematch.

A hit is one row per (observable pair, organisation pair) — never per pair of sightings —
refreshed when either side submits again. A selector held by more organisations than the
widespread threshold is recorded once in ``widespread`` instead of a hit per pair.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, select

from intelpool.audit import notifications
from intelpool.config import Settings
from intelpool.db import bulk
from intelpool.db.tables import organisations
from intelpool.db.types import utcnow
from intelpool.matching import probe, warninglists
from intelpool.pool.views import ANONYMOUS_ORIGINATOR


@dataclass(slots=True)
class MatchSummary:
    hits: int = 0  # hits recorded or refreshed by this run
    widespread: int = 0
    partners: dict[str, int] = field(default_factory=dict)  # partner name -> hits


def _lists(settings: Settings) -> tuple[warninglists.Warninglist, ...]:
    return warninglists.load(settings.warninglist_dir)


def match_submission(conn: Connection, org_id: int, contribution_ids: list[int],
                     settings: Settings, first_new_observable: int) -> MatchSummary:
    """Mark the warninglisted values new to the pool, then record the submission's hits.

    Observables already in the pool were marked when they arrived (a change of lists needs a
    rematch anyway); ids only grow, so the new ones are those from ``first_new_observable``.
    """
    ids = ", ".join(str(int(i)) for i in contribution_ids)
    warninglists.apply(conn, _lists(settings), first_new_observable)
    probe.create_tables(conn)
    probe.probe_pool_rows(conn, f"o.contribution_id IN ({ids})", {})
    # SQLite serialises writers, so observables from first_new_observable on are this
    # submission's own. On PostgreSQL a concurrent submission may have committed one of them
    # meanwhile: every probe is matched there.
    new_from = first_new_observable if bulk.is_sqlite(conn) else None
    probe.run_rules(conn, org_id, new_from=new_from)
    bulk.analyze(conn, "tmp_match")
    now = utcnow()
    widespread = _widespread(conn, settings.widespread_threshold, now)
    _record_hits(conn, org_id, now)
    partners = _partners(conn, org_id, now)
    _notify(conn, org_id, min(contribution_ids), partners)
    return _summary(partners, widespread)


def rematch(conn: Connection, settings: Settings,
            progress: Callable[[int, int], None] | None = None) -> MatchSummary:
    """Recompute warninglist marks, widespread selectors and every hit of the pool."""
    conn.exec_driver_sql("UPDATE observables SET warning = NULL WHERE warning IS NOT NULL")
    warninglists.apply(conn, _lists(settings))
    conn.exec_driver_sql("DELETE FROM hits")
    conn.exec_driver_sql("DELETE FROM widespread")
    now = utcnow()
    threshold = bulk.param(conn, "threshold")
    conn.exec_driver_sql(
        "INSERT INTO widespread (observable_id, organisations, first_at, last_at) "
        "SELECT o.observable_id, count(DISTINCT c.originator_id), "
        f"{bulk.param(conn, 'now')}, {bulk.param(conn, 'now')} FROM observations o "
        "JOIN contributions c ON c.id = o.contribution_id "
        "JOIN observables ob ON ob.id = o.observable_id AND ob.warning IS NULL "
        f"GROUP BY o.observable_id HAVING count(DISTINCT c.originator_id) > {threshold}",
        {"threshold": settings.widespread_threshold, "now": bulk.db_time(conn, now)},
    )
    org_ids = list(conn.execute(select(organisations.c.id).order_by(organisations.c.id))
                   .scalars())
    probe.create_tables(conn)
    for done, org_id in enumerate(org_ids, start=1):
        for table in ("tmp_probe", "tmp_match", "tmp_parents", "tmp_cidr_keys"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
        probe.probe_pool_rows(conn, f"c.originator_id = {int(org_id)}", {})
        probe.run_rules(conn, org_id, both_directions=False, exact_only_above=True)
        bulk.analyze(conn, "tmp_match")
        _record_hits(conn, org_id, now)
        if progress:
            progress(done, len(org_ids))
    total, spread = pool_counts(conn)
    return MatchSummary(hits=total, widespread=spread)


def pool_counts(conn: Connection) -> tuple[int, int]:
    """Hit rows and widespread selectors in the whole pool (for operators' summaries)."""
    total = conn.exec_driver_sql("SELECT count(*) FROM hits").scalar_one()
    spread = conn.exec_driver_sql("SELECT count(*) FROM widespread").scalar_one()
    return int(total), int(spread)


def _widespread(conn: Connection, threshold: int, now: datetime) -> int:
    """Exact matches held by more organisations than the threshold: recorded once."""
    p = {"threshold": threshold, "now": bulk.db_time(conn, now)}
    t, n = bulk.param(conn, "threshold"), bulk.param(conn, "now")
    conn.exec_driver_sql(
        "INSERT INTO widespread (observable_id, organisations, first_at, last_at) "
        f"SELECT p.observable_id, count(DISTINCT m.org_id) + 1, {n}, {n} FROM tmp_match m "
        "JOIN tmp_probe p ON p.probe_key = m.probe_key WHERE m.kind = 'exact' "
        f"GROUP BY p.observable_id HAVING count(DISTINCT m.org_id) + 1 > {t} "
        "ON CONFLICT (observable_id) DO UPDATE SET organisations = excluded.organisations, "
        "last_at = excluded.last_at", p)
    conn.exec_driver_sql(
        "DELETE FROM hits WHERE kind = 'exact' AND observable_a_id IN "
        f"(SELECT observable_id FROM widespread WHERE last_at = {n})", {"now": p["now"]})
    return int(conn.exec_driver_sql(
        f"SELECT count(*) FROM widespread WHERE last_at = {n}", {"now": p["now"]}).scalar_one())


def _record_hits(conn: Connection, me: int, now: datetime) -> None:
    n = bulk.param(conn, "now")
    me_ = int(me)
    # Exact hits order the pair (org_a < org_b); containment hits keep a = the specific side.
    low = f"CASE WHEN m.org_id < {me_} THEN m.org_id ELSE {me_} END"
    high = f"CASE WHEN m.org_id < {me_} THEN {me_} ELSE m.org_id END"
    conn.exec_driver_sql(
        "INSERT INTO hits (observable_a_id, observable_b_id, org_a_id, org_b_id, kind, "
        "contribution_a_id, contribution_b_id, first_at, last_at) SELECT "
        "CASE WHEN m.probe_is_a THEN p.observable_id ELSE m.other_id END, "
        "CASE WHEN m.probe_is_a THEN m.other_id ELSE p.observable_id END, "
        f"CASE WHEN m.kind = 'exact' THEN {low} WHEN m.probe_is_a THEN {me_} ELSE m.org_id END, "
        f"CASE WHEN m.kind = 'exact' THEN {high} WHEN m.probe_is_a THEN m.org_id ELSE {me_} END, "
        "m.kind, "
        f"CASE WHEN (m.kind = 'exact' AND m.org_id < {me_}) OR (m.kind <> 'exact' AND NOT "
        "m.probe_is_a) THEN m.contribution_id ELSE p.contribution_id END, "
        f"CASE WHEN (m.kind = 'exact' AND m.org_id < {me_}) OR (m.kind <> 'exact' AND NOT "
        "m.probe_is_a) THEN p.contribution_id ELSE m.contribution_id END, "
        f"{n}, {n} FROM tmp_match m JOIN tmp_probe p ON p.probe_key = m.probe_key "
        "WHERE NOT (m.kind = 'exact' AND p.observable_id IN "
        "(SELECT observable_id FROM widespread)) "
        "ON CONFLICT (observable_a_id, observable_b_id, org_a_id, org_b_id) DO UPDATE SET "
        "last_at = excluded.last_at, contribution_a_id = excluded.contribution_a_id, "
        "contribution_b_id = excluded.contribution_b_id",
        {"now": bulk.db_time(conn, now)},
    )


def _partners(conn: Connection, me: int, now: datetime) -> list[tuple[int, str, int]]:
    """(partner id, label, hits) for the hits just recorded; a partner whose contributions
    behind them are all anonymous is labelled "a partner", as in every other view."""
    n = bulk.param(conn, "now")
    rows = conn.exec_driver_sql(
        "SELECT o.id, o.name, count(*), sum(CASE WHEN c.anonymous THEN 0 ELSE 1 END) "
        "FROM hits h JOIN organisations o ON o.id = "
        f"CASE WHEN h.org_a_id = {int(me)} THEN h.org_b_id ELSE h.org_a_id END "
        "JOIN contributions c ON c.id = "
        f"CASE WHEN h.org_a_id = {int(me)} THEN h.contribution_b_id ELSE h.contribution_a_id END "
        f"WHERE h.last_at = {n} AND {int(me)} IN (h.org_a_id, h.org_b_id) GROUP BY o.id, o.name",
        {"now": bulk.db_time(conn, now)},
    ).all()
    return [(int(org), str(name) if named else ANONYMOUS_ORIGINATOR, int(count))
            for org, name, count, named in rows]


def _summary(partners: list[tuple[int, str, int]], widespread: int) -> MatchSummary:
    by_label: dict[str, int] = {}
    for _org, label, count in partners:
        by_label[label] = by_label.get(label, 0) + count
    return MatchSummary(sum(by_label.values()), widespread, by_label)


def _notify(conn: Connection, me: int, contribution_id: int,
            partners: list[tuple[int, str, int]]) -> None:
    """Both sides learn of new hits; names follow each side's anonymity choice."""
    if not partners:
        return
    anonymous = conn.exec_driver_sql(
        f"SELECT anonymous FROM contributions WHERE id = {int(contribution_id)}").scalar_one()
    me_name = conn.execute(select(organisations.c.name).where(organisations.c.id == me)
                           ).scalar_one()
    for partner_id, _label, count in partners:
        notifications.notify(
            conn, me, "hit", f"contribution {contribution_id} matched {count} selector(s) held "
            "by another partner: see 'intelpool hits'", "contribution", contribution_id)
        notifications.notify(
            conn, partner_id, "hit",
            f"{ANONYMOUS_ORIGINATOR if anonymous else me_name} submitted data matching {count} "
            "of your selector(s): see 'intelpool hits'", "organisation", None)
