"""A full rematch's exact hits and widespread selectors on PostgreSQL, in three statements.

Probing organisation by organisation looks every selector of the pool up in the
observations index once more (ten million lookups at 10M observations, most finding only
the prober's own row). The whole pool at once is cheaper: the selectors held by more than one
organisation come from one ordered pass over the observations; their holders — one row per
(selector, organisation), with the organisation's latest contribution — are grouped once;
widespread selectors and the exact hits of every pair of holders follow from that table.
The rows are those the per-organisation exact rule records: the same pair, the lower
organisation first, each side's latest contribution holding the selector.
"""

from __future__ import annotations

from sqlalchemy import Connection

from intelpool.db import bulk


def holders(conn: Connection) -> None:
    """``tmp_holders``: who holds each selector two organisations or more hold (warninglisted
    excluded), with each organisation's latest contribution holding it.

    One pass over the observations sorted by (selector, organisation) in memory, grouped
    and counted per selector as it streams: no hash of every selector (at 10M observations it
    spilled to disk) and no second pass for those held more than once. The planner would
    rather follow the observable index, which fetches every observation in random order:
    81 s at 10M observations against 26 s read in table order and sorted (docs/scaling.md),
    so index scans are off for this statement. A selector only one organisation holds,
    however often, makes no hit and is left out.
    """
    conn.exec_driver_sql("DROP TABLE IF EXISTS tmp_holders")
    _index_scans(conn, "off")
    conn.exec_driver_sql(
        "CREATE TEMP TABLE tmp_holders ON COMMIT DROP AS "
        "SELECT observable_id, org_id, contribution_id FROM (SELECT g.*, count(*) OVER "
        "(PARTITION BY g.observable_id) AS orgs FROM (SELECT o.observable_id, "
        "c.originator_id AS org_id, max(o.contribution_id) AS contribution_id "
        "FROM observations o JOIN contributions c ON c.id = o.contribution_id "
        "GROUP BY o.observable_id, c.originator_id) g) held WHERE orgs > 1")
    _index_scans(conn, "on")
    conn.exec_driver_sql(
        "DELETE FROM tmp_holders h USING observables ob WHERE ob.id = h.observable_id "
        "AND ob.warning IS NOT NULL")
    bulk.analyze(conn, "tmp_holders")


def _index_scans(conn: Connection, state: str) -> None:
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
