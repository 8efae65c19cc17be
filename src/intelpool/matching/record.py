"""Turning the rules' matches (``tmp_match``) into hit rows, and recording a submission's.

A hit is one row per (observable pair, organisation pair). Exact hits order the pair (the
lower organisation is side a); containment hits keep side a for the specific selector (IP,
URL, e-mail, subdomain) and side b for the one containing it (CIDR, domain).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from intelpool.db import bulk
from intelpool.pool import hit_summary

HIT_COLUMNS = ("observable_a_id, observable_b_id, org_a_id, org_b_id, kind, "
               "contribution_a_id, contribution_b_id")
HIT_COLUMNS_SQL = ("observable_a_id BIGINT, observable_b_id BIGINT, org_a_id BIGINT, "
                   "org_b_id BIGINT, kind VARCHAR(16), contribution_a_id BIGINT, "
                   "contribution_b_id BIGINT")


def create_hits_table(conn: Connection) -> None:
    """``tmp_hits``: the hits of one probe, each with its partner, its two selectors' types,
    and the hit as stored before it was written (``was_*``, NULL when it is new)."""
    bulk.create_temp_table(conn, "tmp_hits", HIT_COLUMNS_SQL + ", partner_id BIGINT, "
                           "partner_contribution_id BIGINT, type_a VARCHAR(32), "
                           "type_b VARCHAR(32), was_contribution_a_id BIGINT, "
                           "was_contribution_b_id BIGINT, was_first_at TIMESTAMP WITH TIME ZONE")


def matches_as_hits(conn: Connection, me: int, into: str = "tmp_hits") -> None:
    """Add the hit rows of the matches in tmp_match (organisation ``me`` probing) to ``into``
    (``tmp_hits`` with the partner and the types of each, or a table of just the hit
    columns); exact matches of widespread selectors are left out."""
    me_ = int(me)
    low = f"CASE WHEN m.org_id < {me_} THEN m.org_id ELSE {me_} END"
    high = f"CASE WHEN m.org_id < {me_} THEN {me_} ELSE m.org_id END"
    partner_is_a = f"(m.kind = 'exact' AND m.org_id < {me_}) OR (m.kind <> 'exact' AND NOT " \
        "m.probe_is_a)"
    partner = (", partner_id, partner_contribution_id, type_a, type_b",
               ", m.org_id, m.contribution_id, "
               "CASE WHEN m.probe_is_a THEN p.type ELSE m.other_type END, "
               "CASE WHEN m.probe_is_a THEN m.other_type ELSE p.type END") \
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
    """Record the matches in tmp_match as hits, kept in tmp_hits with what each hit was
    before (nothing when new); with ``summary``, the hit summary follows
    (``pool/hit_summary.py``)."""
    create_hits_table(conn)
    matches_as_hits(conn, me)
    # One lookup of the pair's unique index per hit (a subquery per row: as a join,
    # PostgreSQL chose at run time to hash every hit of the pool rather than probe the
    # index), before it is written.
    conn.exec_driver_sql(
        "UPDATE tmp_hits SET (was_contribution_a_id, was_contribution_b_id, was_first_at) = "
        "(SELECT h.contribution_a_id, h.contribution_b_id, h.first_at FROM hits h WHERE "
        "h.observable_a_id = tmp_hits.observable_a_id AND h.observable_b_id = "
        "tmp_hits.observable_b_id AND h.org_a_id = tmp_hits.org_a_id AND h.org_b_id = "
        "tmp_hits.org_b_id)")
    n = bulk.param(conn, "now")
    conn.exec_driver_sql(
        f"INSERT INTO hits ({HIT_COLUMNS}, first_at, last_at) SELECT {HIT_COLUMNS}, "
        f"{n}, {n} FROM tmp_hits WHERE true "
        "ON CONFLICT (observable_a_id, observable_b_id, org_a_id, org_b_id) DO UPDATE SET "
        "last_at = excluded.last_at, contribution_a_id = excluded.contribution_a_id, "
        "contribution_b_id = excluded.contribution_b_id", {"now": bulk.db_time(conn, now)})
    if summary:
        hit_summary.follow_recorded(conn, now)
