"""Turning the rules' matches (``tmp_match``) into hit rows, and recording a submission's.

A hit is one row per (observable pair, organisation pair). Exact hits order the pair (the
lower organisation is side a); containment hits keep side a for the specific selector (IP,
URL, e-mail, subdomain) and side b for the one containing it (CIDR, domain).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, true

from intelpool.db import bulk
from intelpool.pool import hit_summary

HIT_COLUMNS = ("observable_a_id, observable_b_id, org_a_id, org_b_id, kind, "
               "contribution_a_id, contribution_b_id")
HIT_COLUMNS_SQL = ("observable_a_id BIGINT, observable_b_id BIGINT, org_a_id BIGINT, "
                   "org_b_id BIGINT, kind VARCHAR(16), contribution_a_id BIGINT, "
                   "contribution_b_id BIGINT")


def create_hits_table(conn: Connection) -> None:
    """``tmp_hits``: the hits of one probe, each with its partner and whether it is new."""
    bulk.create_temp_table(conn, "tmp_hits", HIT_COLUMNS_SQL + ", partner_id BIGINT, "
                           "partner_contribution_id BIGINT, is_new BOOLEAN")


def matches_as_hits(conn: Connection, me: int, into: str = "tmp_hits") -> None:
    """Add the hit rows of the matches in tmp_match (organisation ``me`` probing) to ``into``
    (``tmp_hits`` with the partner of each, or a table of just the hit columns); exact
    matches of widespread selectors are left out."""
    me_ = int(me)
    low = f"CASE WHEN m.org_id < {me_} THEN m.org_id ELSE {me_} END"
    high = f"CASE WHEN m.org_id < {me_} THEN {me_} ELSE m.org_id END"
    partner_is_a = f"(m.kind = 'exact' AND m.org_id < {me_}) OR (m.kind <> 'exact' AND NOT " \
        "m.probe_is_a)"
    partner = (", partner_id, partner_contribution_id", ", m.org_id, m.contribution_id") \
        if into == "tmp_hits" else ("", "")
    conn.exec_driver_sql(
        f"INSERT INTO {into} ({HIT_COLUMNS}{partner[0]}) SELECT "
        "CASE WHEN m.probe_is_a THEN p.observable_id ELSE m.other_id END, "
        "CASE WHEN m.probe_is_a THEN m.other_id ELSE p.observable_id END, "
        f"CASE WHEN m.kind = 'exact' THEN {low} WHEN m.probe_is_a THEN {me_} ELSE m.org_id END, "
        f"CASE WHEN m.kind = 'exact' THEN {high} WHEN m.probe_is_a THEN m.org_id ELSE {me_} END, "
        f"m.kind, CASE WHEN {partner_is_a} THEN m.contribution_id ELSE p.contribution_id END, "
        f"CASE WHEN {partner_is_a} THEN p.contribution_id ELSE m.contribution_id END"
        f"{partner[1]} FROM tmp_match m JOIN tmp_probe p ON p.probe_key = "
        "m.probe_key WHERE NOT (m.kind = 'exact' AND p.observable_id IN "
        "(SELECT observable_id FROM widespread))")


def record_hits(conn: Connection, me: int, now: datetime, *, summary: bool) -> None:
    """Record the matches in tmp_match as hits, each marked new or refreshed in tmp_hits;
    with ``summary``, the hit summary follows (``pool/hit_summary.py``)."""
    create_hits_table(conn)
    matches_as_hits(conn, me)
    n = bulk.param(conn, "now")
    upsert = (
        f"INSERT INTO hits ({HIT_COLUMNS}, first_at, last_at) SELECT {HIT_COLUMNS}, "
        f"{n}, {n} FROM tmp_hits WHERE true "
        "ON CONFLICT (observable_a_id, observable_b_id, org_a_id, org_b_id) DO UPDATE SET "
        "last_at = excluded.last_at, contribution_a_id = excluded.contribution_a_id, "
        "contribution_b_id = excluded.contribution_b_id")
    p = {"now": bulk.db_time(conn, now)}
    # The summary follows: the rows of the hits about to be refreshed go, as they stand.
    if summary:
        hit_summary.take_out(conn, true(), recorded=True)
    if bulk.is_sqlite(conn):
        # One lookup of the pair's unique index per hit, before writing.
        conn.exec_driver_sql(
            "UPDATE tmp_hits SET is_new = NOT EXISTS (SELECT 1 FROM hits h WHERE "
            "h.observable_a_id = tmp_hits.observable_a_id AND h.observable_b_id = "
            "tmp_hits.observable_b_id AND h.org_a_id = tmp_hits.org_a_id AND h.org_b_id = "
            "tmp_hits.org_b_id)")
        conn.exec_driver_sql(upsert, p)
        if summary:
            hit_summary.put_in(conn)
        return
    # The upsert says which rows it inserted: an inserted hit was first seen now, an updated
    # one keeps the moment an earlier transaction first recorded it. (Looking the pairs up
    # beforehand, PostgreSQL chose at run time to hash every hit of the pool rather than
    # probe the pair index; the row's xmax, the usual tell, cannot be read from a
    # partitioned table.)
    conn.exec_driver_sql(
        f"WITH written AS ({upsert} RETURNING observable_a_id, observable_b_id, org_a_id, "
        "org_b_id, first_at = %(now)s AS inserted) UPDATE tmp_hits t SET is_new = w.inserted "
        "FROM written w WHERE t.observable_a_id = w.observable_a_id AND t.observable_b_id = "
        "w.observable_b_id AND t.org_a_id = w.org_a_id AND t.org_b_id = w.org_b_id", p)
    if summary:
        hit_summary.put_in(conn)
