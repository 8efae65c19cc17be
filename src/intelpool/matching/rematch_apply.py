"""Bringing the stored hits and widespread selectors to what a rematch found.

A SELECT of every hit the pool makes now is paired with the stored hit of the same
observables and organisations (``tmp_diff``: what differs); then one statement adds the new
ones, one rewrites those whose kind or contributions changed (and only those), and one removes
those no longer found, after the access requests that pointed at them let go of them. Hits
found again unchanged are not written at all: a rematch of an unchanged pool writes no hit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from intelpool.db import bulk
from intelpool.matching.record import HIT_COLUMNS, HIT_COLUMNS_SQL

_PAIR = ("h.observable_a_id = f.observable_a_id AND h.observable_b_id = f.observable_b_id "
         "AND h.org_a_id = f.org_a_id AND h.org_b_id = f.org_b_id")
_CHANGED = ("(h.kind <> f.kind OR h.contribution_a_id <> f.contribution_a_id "
            "OR h.contribution_b_id <> f.contribution_b_id)")
# A row of tmp_diff for a stored hit no longer found has no found columns.
_VANISHED = "SELECT hit_id FROM tmp_diff WHERE observable_a_id IS NULL"


def widespread(conn: Connection, now: datetime) -> None:
    """Widespread marks to tmp_widespread: a selector still widespread keeps its record
    (its count and date refreshed when the count changed)."""
    p, n = {"now": bulk.db_time(conn, now)}, bulk.param(conn, "now")
    conn.exec_driver_sql("DELETE FROM widespread WHERE observable_id NOT IN "
                         "(SELECT observable_id FROM tmp_widespread)")
    conn.exec_driver_sql(
        f"UPDATE widespread SET organisations = t.organisations, last_at = {n} "
        "FROM tmp_widespread t WHERE t.observable_id = widespread.observable_id "
        "AND t.organisations <> widespread.organisations", p)
    conn.exec_driver_sql(
        "INSERT INTO widespread (observable_id, organisations, first_at, last_at) "
        f"SELECT t.observable_id, t.organisations, {n}, {n} FROM tmp_widespread t "
        "WHERE NOT EXISTS (SELECT 1 FROM widespread w WHERE w.observable_id = t.observable_id)",
        p)


def hits(conn: Connection, now: datetime, found: str) -> dict[int, int]:
    """Stored hits to those ``found`` selects (hit columns); returns the new hits per
    organisation party to them."""
    _pair_with_stored(conn, found)
    p, n = {"now": bulk.db_time(conn, now)}, bulk.param(conn, "now")
    conn.exec_driver_sql(f"UPDATE access_requests SET hit_id = NULL WHERE hit_id IN ({_VANISHED})")
    conn.exec_driver_sql(f"DELETE FROM hits WHERE id IN ({_VANISHED})")
    conn.exec_driver_sql(
        f"UPDATE hits SET kind = d.kind, contribution_a_id = d.contribution_a_id, "
        f"contribution_b_id = d.contribution_b_id, last_at = {n} FROM tmp_diff d "
        "WHERE d.changed AND hits.id = d.hit_id", p)
    conn.exec_driver_sql(
        f"INSERT INTO hits ({HIT_COLUMNS}, first_at, last_at) SELECT {HIT_COLUMNS}, {n}, {n} "
        "FROM tmp_diff WHERE hit_id IS NULL "
        # In the pair index's order: its pages are then read and written once, not per hit.
        "ORDER BY observable_a_id, observable_b_id, org_a_id, org_b_id", p)
    new: dict[int, int] = {}
    for side in ("a", "b"):
        for org, count in conn.exec_driver_sql(
                f"SELECT org_{side}_id, count(*) FROM tmp_diff WHERE hit_id IS NULL "
                f"GROUP BY org_{side}_id"):
            new[int(org)] = new.get(int(org), 0) + int(count)
    return new


def _pair_with_stored(conn: Connection, found: str) -> None:
    """``tmp_diff``: each found hit with the id of the stored hit of the same pair (NULL when
    new) and whether its values changed, and each stored hit not found, by id alone."""
    bulk.create_temp_table(conn, "tmp_diff",
                           HIT_COLUMNS_SQL + ", hit_id BIGINT, changed BOOLEAN")
    if bulk.is_sqlite(conn):
        # One lookup of the pair index per found hit, then the stored ids not met.
        conn.exec_driver_sql(
            f"INSERT INTO tmp_diff ({HIT_COLUMNS}, hit_id, changed) SELECT f.*, h.id, "
            f"coalesce({_CHANGED}, false) FROM ({found}) f LEFT JOIN hits h ON {_PAIR}")
        conn.exec_driver_sql(
            "INSERT INTO tmp_diff (hit_id, changed) SELECT id, false FROM hits WHERE id NOT IN "
            "(SELECT hit_id FROM tmp_diff WHERE hit_id IS NOT NULL)")
        return
    # One full join of the found hits with the stored ones (the stored hashed once, the
    # found streamed from their statements) answers all three questions; only the rows that
    # differ are written.
    conn.exec_driver_sql(
        f"INSERT INTO tmp_diff ({HIT_COLUMNS}, hit_id, changed) SELECT f.observable_a_id, "
        "f.observable_b_id, f.org_a_id, f.org_b_id, f.kind, f.contribution_a_id, "
        f"f.contribution_b_id, h.id, coalesce({_CHANGED}, false) FROM ({found}) f "
        f"FULL JOIN hits h ON {_PAIR} WHERE h.id IS NULL OR f.observable_a_id IS NULL "
        f"OR {_CHANGED}")
    bulk.analyze(conn, "tmp_diff")
