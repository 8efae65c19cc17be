"""Recording hits after every submission (a full rematch is in ``rematch``).

A hit is one row per (observable pair, organisation pair) — never per pair of sightings —
refreshed when either side submits again. A selector held by more organisations than the
widespread threshold is recorded once in ``widespread`` instead of a hit per pair.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, text

from intelpool.audit import notifications
from intelpool.config import Settings
from intelpool.db import bulk, statistics
from intelpool.db.tables import organisations
from intelpool.db.types import utcnow
from intelpool.matching import probe, warninglists
from intelpool.matching.lock import MATCH_LOCK as MATCH_LOCK
from intelpool.matching.lock import lock_matching as lock_matching
from intelpool.matching.record import record_hits
from intelpool.matching.rematch import pool_counts as pool_counts
from intelpool.matching.rematch import rematch as rematch
from intelpool.matching.summary import MatchSummary, PartnerHits
from intelpool.pool import hit_summary
from intelpool.pool.views import ANONYMOUS_ORIGINATOR


def _lists(settings: Settings) -> tuple[warninglists.Warninglist, ...]:
    return warninglists.load(settings.warninglist_dir)


def match_submission(conn: Connection, org_id: int, contribution_ids: list[int],
                     settings: Settings, first_new_observable: int) -> MatchSummary:
    """Mark the warninglisted values new to the pool, then record the submission's hits.

    Observables already in the pool were marked when they arrived (a change of lists needs a
    rematch anyway); ids only grow, so the new ones are those from ``first_new_observable``,
    read once the transaction had written (on SQLite: once it held the writer lock).
    """
    lock_matching(conn)
    statistics.keep_fresh(conn)
    ids = ", ".join(str(int(i)) for i in contribution_ids)
    warninglists.apply(conn, _lists(settings), first_new_observable)
    probe.create_tables(conn)
    if bulk.is_sqlite(conn):
        probe.probe_pool_rows(conn, f"o.contribution_id IN ({ids})", {})
    else:
        probe.probe_written(conn, first_new_observable)
    # SQLite serialises writers, so observables from first_new_observable on are this
    # submission's own. On PostgreSQL a concurrent submission may have committed one of them
    # meanwhile: every probe is matched there.
    new_from = first_new_observable if bulk.is_sqlite(conn) else None
    probe.run_rules(conn, org_id, new_from=new_from)
    bulk.analyze(conn, "tmp_match")
    now = utcnow()
    summary_kept = hit_summary.kept(conn)
    widespread, folded = _widespread(conn, settings.widespread_threshold, now, summary_kept)
    record_hits(conn, org_id, now, summary=summary_kept)
    partners = _partners(conn)
    _notify(conn, org_id, min(contribution_ids), partners)
    summary = MatchSummary(widespread=widespread, folded_hits=folded)
    for _org, label, new, refreshed in partners:
        counts = summary.partners.setdefault(label, PartnerHits())
        counts.new += new
        counts.refreshed += refreshed
        summary.new_hits += new
        summary.refreshed_hits += refreshed
    return summary


def _widespread(conn: Connection, threshold: int, now: datetime,
                summary_kept: bool) -> tuple[int, int]:
    """Exact matches held by more organisations than the threshold: recorded once, and their
    earlier hits folded into that record (and out of the hit summary, where the pool keeps
    one). Returns (widespread selectors, hits folded)."""
    p = {"threshold": threshold, "now": bulk.db_time(conn, now)}
    t, n = bulk.param(conn, "threshold"), bulk.param(conn, "now")
    recorded = conn.exec_driver_sql(
        "INSERT INTO widespread (observable_id, organisations, first_at, last_at) "
        f"SELECT p.observable_id, count(DISTINCT m.org_id) + 1, {n}, {n} FROM tmp_match m "
        "JOIN tmp_probe p ON p.probe_key = m.probe_key WHERE m.kind = 'exact' "
        f"GROUP BY p.observable_id HAVING count(DISTINCT m.org_id) + 1 > {t} "
        "ON CONFLICT (observable_id) DO UPDATE SET organisations = excluded.organisations, "
        "last_at = excluded.last_at", p).rowcount
    if not recorded:
        return 0, 0
    widespread_probes = ("SELECT w.observable_id FROM widespread w JOIN tmp_probe p "
                         "ON p.observable_id = w.observable_id")
    folded_ids = f"IN ({widespread_probes})"
    if not bulk.is_sqlite(conn):
        # An array computed once: each of its few ids is then a lookup in the pair index.
        # As a semi-join (even over the array's elements) the planner read every hit of the
        # pool whenever the hits' statistics were stale.
        folded_ids = f"= ANY(ARRAY({widespread_probes}))"
    folding = f"FROM hits WHERE kind = 'exact' AND observable_a_id {folded_ids}"
    # Access requests let go of the folded hits themselves: the store need not know the link.
    conn.exec_driver_sql(
        f"UPDATE access_requests SET hit_id = NULL WHERE hit_id IN (SELECT id {folding})")
    if summary_kept:
        hit_summary.take_out(conn, text(f"hits.kind = 'exact' AND hits.observable_a_id "
                                        f"{folded_ids}"))
    folded = conn.exec_driver_sql(f"DELETE {folding}").rowcount
    return recorded, folded


def _partners(conn: Connection) -> list[tuple[int, str, int, int]]:
    """(partner id, label, new hits, refreshed hits) for the hits just recorded (a new one
    was not stored before); a partner whose contributions behind them are all anonymous is
    labelled "a partner", as in every other view."""
    rows = conn.exec_driver_sql(
        "SELECT o.id, o.name, sum(CASE WHEN t.was_first_at IS NULL THEN 1 ELSE 0 END), "
        "sum(CASE WHEN t.was_first_at IS NULL THEN 0 ELSE 1 END), "
        "sum(CASE WHEN c.anonymous THEN 0 ELSE 1 END) FROM tmp_hits t "
        "JOIN organisations o ON o.id = t.partner_id "
        "JOIN contributions c ON c.id = t.partner_contribution_id GROUP BY o.id, o.name "
        "ORDER BY o.id").all()
    return [(int(org), str(name) if named else ANONYMOUS_ORIGINATOR, int(new), int(old))
            for org, name, new, old, named in rows]


def _notify(conn: Connection, me: int, contribution_id: int,
            partners: list[tuple[int, str, int, int]]) -> None:
    """Both sides learn of new hits, once: a refreshed hit was announced when it was new.
    Names follow each side's anonymity choice."""
    partners = [p for p in partners if p[2]]
    if not partners:
        return
    anonymous = conn.exec_driver_sql(
        f"SELECT anonymous FROM contributions WHERE id = {int(contribution_id)}").scalar_one()
    me_name = conn.execute(select(organisations.c.name).where(organisations.c.id == me)
                           ).scalar_one()
    for partner_id, _label, count, _refreshed in partners:
        notifications.notify(
            conn, me, "hit", f"contribution {contribution_id} matched {count} selector(s) held "
            "by another partner: see 'intelpool hits'", "contribution", contribution_id)
        notifications.notify(
            conn, partner_id, "hit",
            f"{ANONYMOUS_ORIGINATOR if anonymous else me_name} submitted data matching {count} "
            "of your selector(s): see 'intelpool hits'", "organisation", None)
