"""A full rematch: warninglist marks, widespread selectors and every hit of the pool, again.

The hits the pool makes now are found afresh — on PostgreSQL for the whole pool at once
(``rematch_exact``, ``rematch_contained``), on SQLite by probing organisation by organisation
— and the hits table is then brought to that set (``rematch_apply``): a hit
found again keeps its id, its first sighting and its access requests' links, and is written
only when what it records changed; a new hit is added and announced to both sides once; a
hit no longer found goes, and access requests that pointed at it keep no link.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, select

from intelpool.audit import notifications
from intelpool.config import Settings
from intelpool.db import bulk, statistics
from intelpool.db.tables import organisations
from intelpool.db.types import utcnow
from intelpool.matching import (
    probe,
    rematch_apply,
    rematch_contained,
    rematch_exact,
    warninglists,
)
from intelpool.matching.lock import lock_matching
from intelpool.matching.record import HIT_COLUMNS_SQL, matches_as_hits
from intelpool.matching.summary import RematchSummary
from intelpool.pool import hit_summary

# Per sort or hash of a rematch on PostgreSQL (hashes may take twice that): the holders of
# every selector are sorted in memory (910 MB at 10M observations).
WORK_MEM = "1GB"


def rematch(conn: Connection, settings: Settings,
            progress: Callable[[int, int], None] | None = None) -> RematchSummary:
    """Recompute warninglist marks, widespread selectors and every hit of the pool."""
    lock_matching(conn)
    if not bulk.is_sqlite(conn):
        # The whole pool's holders and hits are sorted, hashed and joined at once: with the
        # batch's 64 MB those spilled to disk at 10M observations.
        conn.exec_driver_sql(f"SET LOCAL work_mem = '{WORK_MEM}'")
    statistics.keep_fresh(conn)
    conn.exec_driver_sql("UPDATE observables SET warning = NULL WHERE warning IS NOT NULL")
    warninglists.apply(conn, warninglists.load(settings.warninglist_dir))
    now = utcnow()
    bulk.create_temp_table(conn, "tmp_widespread",
                           "observable_id BIGINT PRIMARY KEY, organisations INTEGER")
    if bulk.is_sqlite(conn):
        _widespread_all(conn, settings.widespread_threshold)
        rematch_apply.widespread(conn, now)
        bulk.create_temp_table(conn, "tmp_found", HIT_COLUMNS_SQL)
        _probe_each_organisation(conn, progress)
        found = "SELECT * FROM tmp_found"
    else:
        # PostgreSQL finds every hit of the pool in a few set statements, streamed straight
        # into the comparison with the stored hits; SQLite's planner has no better plan for
        # them than probing.
        rematch_exact.holders(conn)
        rematch_exact.widespread(conn, settings.widespread_threshold)
        rematch_apply.widespread(conn, now)
        found = f"{rematch_exact.exact_hits()} UNION ALL {rematch_contained.contained_hits(conn)}"
        if progress:
            progress(1, 1)
    _notify(conn, rematch_apply.hits(conn, now, found))
    hit_summary.recount(conn)
    return RematchSummary(*pool_counts(conn))


def pool_counts(conn: Connection) -> tuple[int, int]:
    """Hit rows and widespread selectors in the whole pool (for operators' summaries)."""
    total = conn.exec_driver_sql("SELECT count(*) FROM hits").scalar_one()
    spread = conn.exec_driver_sql("SELECT count(*) FROM widespread").scalar_one()
    return int(total), int(spread)


def _probe_each_organisation(conn: Connection,
                             progress: Callable[[int, int], None] | None) -> None:
    """Each organisation's selectors probed against the others', into tmp_found: each exact
    pair once (from its lower organisation), each containment pair from its specific side."""
    org_ids = list(conn.execute(select(organisations.c.id).order_by(organisations.c.id))
                   .scalars())
    probe.create_tables(conn)
    for done, org_id in enumerate(org_ids, start=1):
        for table in ("tmp_probe", "tmp_match", "tmp_parents", "tmp_cidr_keys"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
        probe.probe_pool_rows(conn, f"c.originator_id = {int(org_id)}", {})
        probe.run_rules(conn, org_id, both_directions=False, exact_only_above=True)
        matches_as_hits(conn, org_id, into="tmp_found")
        if progress:
            progress(done, len(org_ids))


def _widespread_all(conn: Connection, threshold: int) -> None:
    """Every selector held by more organisations than the threshold, into tmp_widespread."""
    conn.exec_driver_sql(
        "INSERT INTO tmp_widespread (observable_id, organisations) "
        "SELECT o.observable_id, count(DISTINCT c.originator_id) "
        "FROM observations o JOIN contributions c ON c.id = o.contribution_id "
        "JOIN observables ob ON ob.id = o.observable_id AND ob.warning IS NULL "
        "GROUP BY o.observable_id HAVING count(DISTINCT c.originator_id) > :threshold",
        {"threshold": threshold})


def _notify(conn: Connection, new_by_organisation: dict[int, int]) -> None:
    """Each organisation party to hits the rematch found new learns of them once (a hit
    found again was announced when it was new). No partner is named: the hits list names
    each as the partner's anonymity allows."""
    for org_id, count in sorted(new_by_organisation.items()):
        notifications.notify(
            conn, org_id, "hit", f"a rematch of the pool found {count} new hit(s) between "
            "your selectors and other partners' data: see 'intelpool hits'", "organisation",
            None)
