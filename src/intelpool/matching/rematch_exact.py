"""A full rematch's exact hits and widespread selectors on PostgreSQL, in three statements.

Probing organisation by organisation looks every selector of the pool up in the
observations index once more (ten million lookups at 10M observations, most finding only
the prober's own row). The whole pool at once is cheaper: the observations of selectors held
more than once come from one join of observations with themselves, partition by partition;
their holders — one row per
(selector, organisation), with the organisation's latest contribution — are grouped once;
widespread selectors and the exact hits of every pair of holders follow from that table.
The rows are those the per-organisation exact rule records: the same pair, the lower
organisation first, each side's latest contribution holding the selector.
"""

from __future__ import annotations

from sqlalchemy import Connection

from intelpool.db import bulk

# Who holds each selector held more than once: one row per (selector, organisation), with
# the organisation's latest contribution holding it. The observations held more than once are
# a semi-join of observations with themselves on the observable id, their partition key:
# fenced (OFFSET 0) so that it is planned alone and joins partition by partition (with
# batch_settings' enable_partitionwise_join); joined first to contributions, a small plain
# table, it would lose the partitioning.
HOLDERS = (
    "SELECT o.observable_id, c.originator_id AS org_id, max(o.contribution_id) "
    "AS contribution_id FROM (SELECT o.observable_id, o.contribution_id FROM observations o "
    "WHERE EXISTS (SELECT 1 FROM observations d WHERE d.observable_id = o.observable_id "
    "AND d.id <> o.id) OFFSET 0) o JOIN contributions c ON c.id = o.contribution_id "
    "GROUP BY o.observable_id, c.originator_id")


def holders(conn: Connection) -> None:
    """``tmp_holders``: who holds each selector held more than once (warninglisted
    excluded), with each organisation's latest contribution holding it.

    Index scans are off for this statement: followed through the observable index, every
    observation is fetched in random order (70-81 s at 10M observations against 26 s read in
    table order, docs/scaling.md); read in order, each partition is joined with itself by
    hashing."""
    conn.exec_driver_sql("DROP TABLE IF EXISTS tmp_holders")
    index_scans(conn, "off")
    conn.exec_driver_sql(f"CREATE TEMP TABLE tmp_holders ON COMMIT DROP AS {HOLDERS}")
    index_scans(conn, "on")
    conn.exec_driver_sql(
        "DELETE FROM tmp_holders h USING observables ob WHERE ob.id = h.observable_id "
        "AND ob.warning IS NOT NULL")
    bulk.analyze(conn, "tmp_holders")


def index_scans(conn: Connection, state: str) -> None:
    """Index and bitmap scans off (or back on) for the rest of the transaction."""
    for scan in ("enable_indexscan", "enable_bitmapscan"):
        conn.exec_driver_sql(f"SET LOCAL {scan} = {state}")


def widespread(conn: Connection, threshold: int) -> None:
    """The selectors held by more organisations than ``threshold``, into tmp_widespread."""
    conn.exec_driver_sql(
        "INSERT INTO tmp_widespread (observable_id, organisations) "
        "SELECT observable_id, count(*) FROM tmp_holders "
        "GROUP BY observable_id HAVING count(*) > %(threshold)s", {"threshold": threshold})


def exact_hits() -> str:
    """A SELECT of every pair of holders of a selector that is not widespread, as hit
    columns."""
    return ("SELECT a.observable_id AS observable_a_id, a.observable_id AS observable_b_id, "
            "a.org_id AS org_a_id, b.org_id AS org_b_id, 'exact' AS kind, "
            "a.contribution_id AS contribution_a_id, b.contribution_id AS contribution_b_id "
            "FROM tmp_holders a JOIN tmp_holders b ON b.observable_id = a.observable_id "
            "AND b.org_id > a.org_id WHERE NOT EXISTS (SELECT 1 FROM widespread w "
            "WHERE w.observable_id = a.observable_id)")
