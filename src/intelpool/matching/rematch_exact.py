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

from typing import Any

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
    """``tmp_holders``: who holds each selector held more than once, warninglisted excluded."""
    conn.exec_driver_sql("DROP TABLE IF EXISTS tmp_holders")
    conn.exec_driver_sql(f"CREATE TEMP TABLE tmp_holders ON COMMIT DROP AS {HOLDERS}")
    conn.exec_driver_sql(
        "DELETE FROM tmp_holders h USING observables ob WHERE ob.id = h.observable_id "
        "AND ob.warning IS NOT NULL")
    bulk.analyze(conn, "tmp_holders")


def widespread(conn: Connection, threshold: int, now: Any) -> None:
    conn.exec_driver_sql(
        "INSERT INTO widespread (observable_id, organisations, first_at, last_at) "
        "SELECT observable_id, count(*), %(now)s, %(now)s FROM tmp_holders "
        "GROUP BY observable_id HAVING count(*) > %(threshold)s",
        {"threshold": threshold, "now": now})


def exact_hits(conn: Connection, now: Any) -> None:
    conn.exec_driver_sql(
        "INSERT INTO hits (observable_a_id, observable_b_id, org_a_id, org_b_id, kind, "
        "contribution_a_id, contribution_b_id, first_at, last_at) "
        "SELECT a.observable_id, a.observable_id, a.org_id, b.org_id, 'exact', "
        "a.contribution_id, b.contribution_id, %(now)s, %(now)s FROM tmp_holders a "
        "JOIN tmp_holders b ON b.observable_id = a.observable_id AND b.org_id > a.org_id "
        "WHERE NOT EXISTS (SELECT 1 FROM widespread w WHERE w.observable_id = a.observable_id) "
        # In the pair index's order: its pages are then read and written once, not once per
        # hit (the rows a rematch deleted left their keys there, to be checked).
        "ORDER BY a.observable_id, a.org_id, b.org_id",
        {"now": now})
