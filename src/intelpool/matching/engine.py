"""Recording hits: after every submission, and for the whole pool on a rematch.

A hit is one row per (observable pair, organisation pair) — never per pair of sightings —
refreshed when either side submits again. A selector held by more organisations than the
widespread threshold is recorded once in ``widespread`` instead of a hit per pair.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, select

from intelpool.audit import notifications
from intelpool.config import Settings
from intelpool.db import bulk, statistics
from intelpool.db.tables import organisations
from intelpool.db.types import utcnow
from intelpool.matching import access_requests, probe, rematch_exact, warninglists
from intelpool.matching.summary import MatchSummary, PartnerHits, RematchSummary
from intelpool.pool import hit_summary
from intelpool.pool.views import ANONYMOUS_ORIGINATOR

# The advisory lock that orders the match-and-record phase of concurrent transactions on
# PostgreSQL: this class (the bytes of "ipma") and the pool's schema, so that pools kept in
# several schemas of one database do not wait for each other's matching.
MATCH_LOCK = 0x69706D61


def _lists(settings: Settings) -> tuple[warninglists.Warninglist, ...]:
    return warninglists.load(settings.warninglist_dir)


def lock_matching(conn: Connection) -> None:
    """Order the match-and-record phase of concurrent transactions, until commit.

    A transaction matches against what was committed before it: two submissions matching at
    the same time would each miss the other's data. With this lock taken before matching and
    held to commit, the later of the two sees the earlier one's data and records their hits,
    once (the earlier could not see the later's). Writing, the long part, still runs in
    parallel. SQLite needs no more: its single writer lock is held from a transaction's first
    write, which comes before matching.
    """
    if not bulk.is_sqlite(conn):
        conn.exec_driver_sql(
            f"SELECT pg_advisory_xact_lock({MATCH_LOCK}, hashtext(current_schema()))")
    bulk.batch_settings(conn)


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
    probe.probe_pool_rows(conn, f"o.contribution_id IN ({ids})", {})
    # SQLite serialises writers, so observables from first_new_observable on are this
    # submission's own. On PostgreSQL a concurrent submission may have committed one of them
    # meanwhile: every probe is matched there.
    new_from = first_new_observable if bulk.is_sqlite(conn) else None
    probe.run_rules(conn, org_id, new_from=new_from)
    bulk.analyze(conn, "tmp_match")
    now = utcnow()
    widespread, folded = _widespread(conn, settings.widespread_threshold, now)
    _record_hits(conn, org_id, now)
    hit_summary.recount_matched(conn, org_id)
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


def rematch(conn: Connection, settings: Settings,
            progress: Callable[[int, int], None] | None = None) -> RematchSummary:
    """Recompute warninglist marks, widespread selectors and every hit of the pool."""
    lock_matching(conn)
    statistics.keep_fresh(conn)
    conn.exec_driver_sql("UPDATE observables SET warning = NULL WHERE warning IS NOT NULL")
    warninglists.apply(conn, _lists(settings))
    conn.exec_driver_sql("DELETE FROM hits")
    access_requests.unlink_deleted_hits(conn)  # no foreign key does it (migration 0022)
    conn.exec_driver_sql("DELETE FROM widespread")
    now = utcnow()
    # PostgreSQL finds the exact hits of the whole pool at once; SQLite, whose planner has no
    # better plan for it than probing, keeps the exact rule in the loop below.
    whole_pool = not bulk.is_sqlite(conn)
    if whole_pool:
        rematch_exact.holders(conn)
        rematch_exact.widespread(conn, settings.widespread_threshold, bulk.db_time(conn, now))
        rematch_exact.exact_hits(conn, bulk.db_time(conn, now))
    else:
        _widespread_all(conn, settings.widespread_threshold, now)
    org_ids = list(conn.execute(select(organisations.c.id).order_by(organisations.c.id))
                   .scalars())
    probe.create_tables(conn)
    for done, org_id in enumerate(org_ids, start=1):
        for table in ("tmp_probe", "tmp_match", "tmp_parents", "tmp_cidr_keys"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
        probe.probe_pool_rows(conn, f"c.originator_id = {int(org_id)}", {})
        probe.run_rules(conn, org_id, both_directions=False, exact_only_above=True,
                        exact=not whole_pool)
        bulk.analyze(conn, "tmp_match")
        _record_hits(conn, org_id, now, all_new=True)
        if progress:
            progress(done, len(org_ids))
    hit_summary.recount(conn)
    total, spread = pool_counts(conn)
    return RematchSummary(total, spread)


def _widespread_all(conn: Connection, threshold: int, now: datetime) -> None:
    """Every selector held by more organisations than the threshold (a rematch on SQLite)."""
    n = bulk.param(conn, "now")
    conn.exec_driver_sql(
        "INSERT INTO widespread (observable_id, organisations, first_at, last_at) "
        f"SELECT o.observable_id, count(DISTINCT c.originator_id), {n}, {n} "
        "FROM observations o JOIN contributions c ON c.id = o.contribution_id "
        "JOIN observables ob ON ob.id = o.observable_id AND ob.warning IS NULL "
        "GROUP BY o.observable_id HAVING count(DISTINCT c.originator_id) > "
        f"{bulk.param(conn, 'threshold')}",
        {"threshold": threshold, "now": bulk.db_time(conn, now)},
    )


def pool_counts(conn: Connection) -> tuple[int, int]:
    """Hit rows and widespread selectors in the whole pool (for operators' summaries)."""
    total = conn.exec_driver_sql("SELECT count(*) FROM hits").scalar_one()
    spread = conn.exec_driver_sql("SELECT count(*) FROM widespread").scalar_one()
    return int(total), int(spread)


def _widespread(conn: Connection, threshold: int, now: datetime) -> tuple[int, int]:
    """Exact matches held by more organisations than the threshold: recorded once, and their
    earlier hits folded into that record. Returns (widespread selectors, hits folded)."""
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
    if not bulk.is_sqlite(conn):
        # An array computed once: each of its few ids is then a lookup in the pair index,
        # where a semi-join would hash the probe and read every hit of the pool.
        widespread_probes = f"SELECT unnest(ARRAY({widespread_probes}))"
    folded = conn.exec_driver_sql(
        "DELETE FROM hits WHERE kind = 'exact' AND observable_a_id IN "
        f"({widespread_probes})").rowcount
    if folded:
        access_requests.unlink_deleted_hits(conn)  # no foreign key does it (migration 0022)
    return recorded, folded


def _record_hits(conn: Connection, me: int, now: datetime, *, all_new: bool = False) -> None:
    """Record the matches in tmp_match as hits, each marked new or refreshed in tmp_hits
    (unless ``all_new``: the caller knows none was recorded before)."""
    bulk.create_temp_table(
        conn, "tmp_hits",
        "observable_a_id BIGINT, observable_b_id BIGINT, org_a_id BIGINT, org_b_id BIGINT, "
        "kind VARCHAR(16), contribution_a_id BIGINT, contribution_b_id BIGINT, "
        "partner_id BIGINT, partner_contribution_id BIGINT, is_new BOOLEAN")
    me_ = int(me)
    # Exact hits order the pair (org_a < org_b); containment hits keep a = the specific side.
    low = f"CASE WHEN m.org_id < {me_} THEN m.org_id ELSE {me_} END"
    high = f"CASE WHEN m.org_id < {me_} THEN {me_} ELSE m.org_id END"
    partner_is_a = f"(m.kind = 'exact' AND m.org_id < {me_}) OR (m.kind <> 'exact' AND NOT " \
        "m.probe_is_a)"
    conn.exec_driver_sql(
        "INSERT INTO tmp_hits (observable_a_id, observable_b_id, org_a_id, org_b_id, kind, "
        "contribution_a_id, contribution_b_id, partner_id, partner_contribution_id) SELECT "
        "CASE WHEN m.probe_is_a THEN p.observable_id ELSE m.other_id END, "
        "CASE WHEN m.probe_is_a THEN m.other_id ELSE p.observable_id END, "
        f"CASE WHEN m.kind = 'exact' THEN {low} WHEN m.probe_is_a THEN {me_} ELSE m.org_id END, "
        f"CASE WHEN m.kind = 'exact' THEN {high} WHEN m.probe_is_a THEN m.org_id ELSE {me_} END, "
        f"m.kind, CASE WHEN {partner_is_a} THEN m.contribution_id ELSE p.contribution_id END, "
        f"CASE WHEN {partner_is_a} THEN p.contribution_id ELSE m.contribution_id END, "
        "m.org_id, m.contribution_id FROM tmp_match m JOIN tmp_probe p ON p.probe_key = "
        "m.probe_key WHERE NOT (m.kind = 'exact' AND p.observable_id IN "
        "(SELECT observable_id FROM widespread))")
    if not all_new:
        # One lookup of the pair's unique index per hit (a sub-select in SET is never turned
        # into a join that could scan every hit).
        conn.exec_driver_sql(
            "UPDATE tmp_hits SET is_new = NOT EXISTS (SELECT 1 FROM hits h WHERE "
            "h.observable_a_id = tmp_hits.observable_a_id AND h.observable_b_id = "
            "tmp_hits.observable_b_id AND h.org_a_id = tmp_hits.org_a_id AND h.org_b_id = "
            "tmp_hits.org_b_id)")
    n = bulk.param(conn, "now")
    conn.exec_driver_sql(
        "INSERT INTO hits (observable_a_id, observable_b_id, org_a_id, org_b_id, kind, "
        "contribution_a_id, contribution_b_id, first_at, last_at) SELECT observable_a_id, "
        "observable_b_id, org_a_id, org_b_id, kind, contribution_a_id, contribution_b_id, "
        f"{n}, {n} FROM tmp_hits WHERE true "
        "ON CONFLICT (observable_a_id, observable_b_id, org_a_id, org_b_id) DO UPDATE SET "
        "last_at = excluded.last_at, contribution_a_id = excluded.contribution_a_id, "
        "contribution_b_id = excluded.contribution_b_id",
        {"now": bulk.db_time(conn, now)},
    )


def _partners(conn: Connection) -> list[tuple[int, str, int, int]]:
    """(partner id, label, new hits, refreshed hits) for the hits just recorded; a partner
    whose contributions behind them are all anonymous is labelled "a partner", as in every
    other view."""
    rows = conn.exec_driver_sql(
        "SELECT o.id, o.name, sum(CASE WHEN t.is_new THEN 1 ELSE 0 END), "
        "sum(CASE WHEN t.is_new THEN 0 ELSE 1 END), "
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
