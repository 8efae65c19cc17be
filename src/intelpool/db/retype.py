"""Re-type stored observables to the one (type, value) the pool now gives each selector.

Pools filled before every format's stated type was settled by the value hold, for
instance, onion services as ``domain`` (from STIX ``domain-name``) beside the same name as
``hostname`` (from MISP or a list). Each such row takes its canonical (type, value); where
that observable exists already, the two become one: observations move over (one
contribution holding both keeps one observation, seen from the earlier first to the later
last sighting), so do relationships, widespread marks and hits (a hit that becomes a
duplicate passes its access requests on). Run ``intelpool rematch`` afterwards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, inspect, text

from intelpool.db import bulk
from intelpool.matching.derive import keys
from intelpool.observables import InvalidObservable, parse_selector
from intelpool.observables.names import PRIVATE_TLDS

_PRIVATE = " OR ".join(f"value LIKE '%.{tld}'" for tld in sorted(PRIVATE_TLDS))
_SUSPECTS = text(
    f"SELECT id, type, value FROM observables WHERE (type = 'domain' AND ({_PRIVATE})) "
    "OR (type = 'hostname' AND value LIKE '%.%') "
    "OR (type = 'ipv6' AND value LIKE '::ffff:%.%') "
    "OR (type = 'cidr' AND (value LIKE '%/32' OR value LIKE '%/128')) "
    "OR (type = 'ip-port' AND value LIKE '[::ffff:%') ORDER BY id")


def retype_observables(conn: Connection) -> int:
    """Settle every stored observable typed the old way; returns how many were changed."""
    changed, touched, merged = 0, [], []
    for row in conn.execute(_SUSPECTS).all():
        try:
            kind, value = parse_selector(row.value, row.type)
        except InvalidObservable:
            continue  # not a selector the pool would store now: left for a person to judge
        if (kind, value) == (row.type, row.value):
            continue
        target = conn.execute(text("SELECT id FROM observables WHERE type = :t AND value = :v"),
                              {"t": kind, "v": value}).scalar()
        if target is None:
            conn.execute(text(
                "UPDATE observables SET type = :t, value = :v, ip_lo = :ip_lo, ip_hi = :ip_hi, "
                "host = :host, rev_name = :rev_name WHERE id = :id"),
                {"t": kind, "v": value, "id": row.id, **keys(kind, value)._asdict()})
        else:
            merged += _merge(conn, row.id, target)
            touched.append(target)
        touched.append(row.id)
        changed += 1
    _repoint_stix_ids(conn, merged)
    _recount(conn, touched)
    return changed


def _repoint_stix_ids(conn: Connection, merged: list[tuple[int, int]]) -> None:
    """The STIX index names the observation each object gave; an observation merged into its
    twin hands its objects over (TAXII finds them by id there). One pass over the index."""
    if not merged:
        return
    bulk.create_temp_table(conn, "tmp_merged", "old_id BIGINT PRIMARY KEY, new_id BIGINT")
    bulk.load_rows(conn, "tmp_merged", ("old_id", "new_id"), merged)
    conn.exec_driver_sql(
        "UPDATE stix_ids SET row_id = (SELECT m.new_id FROM tmp_merged m "
        "WHERE m.old_id = stix_ids.row_id) WHERE row_kind = 'o' AND row_id IN "
        "(SELECT old_id FROM tmp_merged)")


def _recount(conn: Connection, observable_ids: list[int]) -> None:
    """The statistics summary follows the selectors' new types and merged observations (the
    migration that retyped old pools ran before the summary existed)."""
    from intelpool.pool import hit_summary, summary

    if observable_ids and inspect(conn).has_table("observation_counts"):
        summary.refresh(conn, observable_ids)
    if observable_ids:
        hit_summary.recount(conn)  # types changed and hits merged: rare, so all of them


def _merge(conn: Connection, old: int, new: int) -> list[tuple[int, int]]:
    """Merge observable ``old`` into ``new``; returns the (deleted, kept) observation ids of
    contributions that held both."""
    ids = {"old": old, "new": new}
    both = ("SELECT contribution_id FROM observations WHERE observable_id = :old "
            "INTERSECT SELECT contribution_id FROM observations WHERE observable_id = :new")
    twins = [(int(o), int(n)) for o, n in conn.execute(text(
        "SELECT o.id, n.id FROM observations o JOIN observations n ON n.contribution_id = "
        "o.contribution_id AND n.observable_id = :new WHERE o.observable_id = :old"), ids)]
    conn.execute(text(
        "UPDATE observations SET "
        "first_seen = (SELECT MIN(x.first_seen) FROM observations x WHERE x.contribution_id "
        "= observations.contribution_id AND x.observable_id IN (:old, :new)), "
        "last_seen = (SELECT MAX(x.last_seen) FROM observations x WHERE x.contribution_id "
        "= observations.contribution_id AND x.observable_id IN (:old, :new)) "
        f"WHERE observable_id = :new AND contribution_id IN ({both})"), ids)
    conn.execute(text(f"DELETE FROM observations WHERE observable_id = :old AND "
                      f"contribution_id IN ({both})"), ids)
    conn.execute(text("UPDATE observations SET observable_id = :new WHERE observable_id = :old"),
                 ids)
    for end in ("source", "target"):
        conn.execute(text(f"UPDATE relationships SET {end}_id = :new WHERE {end}_kind = "
                          f"'observable' AND {end}_id = :old"), ids)
    _merge_widespread(conn, ids)
    for hit in conn.execute(text("SELECT * FROM hits WHERE observable_a_id = :old OR "
                                 "observable_b_id = :old"), ids).mappings().all():
        _move_hit(conn, dict(hit), old, new)
    conn.execute(text("DELETE FROM observables WHERE id = :old"), ids)
    return twins


def _merge_widespread(conn: Connection, ids: dict[str, int]) -> None:
    if conn.execute(text("SELECT 1 FROM widespread WHERE observable_id = :new"), ids).first():
        conn.execute(text(
            "UPDATE widespread SET "
            "organisations = (SELECT MAX(organisations) FROM widespread w WHERE "
            "w.observable_id IN (:old, :new)), "
            "first_at = (SELECT MIN(first_at) FROM widespread w WHERE w.observable_id IN "
            "(:old, :new)), "
            "last_at = (SELECT MAX(last_at) FROM widespread w WHERE w.observable_id IN "
            "(:old, :new)) WHERE observable_id = :new"), ids)
        conn.execute(text("DELETE FROM widespread WHERE observable_id = :old"), ids)
    else:
        conn.execute(text("UPDATE widespread SET observable_id = :new WHERE observable_id = "
                          ":old"), ids)


def _move_hit(conn: Connection, hit: dict[str, Any], old: int, new: int) -> None:
    """Point a hit at the merged observable; a containment hit between the two forms of one
    selector becomes the exact hit it is, and a hit that now exists twice is merged."""
    a = new if hit["observable_a_id"] == old else hit["observable_a_id"]
    b = new if hit["observable_b_id"] == old else hit["observable_b_id"]
    org_a, org_b = hit["org_a_id"], hit["org_b_id"]
    con_a, con_b, kind = hit["contribution_a_id"], hit["contribution_b_id"], hit["kind"]
    if a == b and (kind != "exact" or org_a > org_b):
        kind = "exact"
        if org_a > org_b:  # exact hits name the lower organisation first
            org_a, org_b, con_a, con_b = org_b, org_a, con_b, con_a
    twin = conn.execute(text(
        "SELECT id FROM hits WHERE observable_a_id = :a AND observable_b_id = :b AND "
        "org_a_id = :oa AND org_b_id = :ob AND id <> :id"),
        {"a": a, "b": b, "oa": org_a, "ob": org_b, "id": hit["id"]}).scalar()
    if twin is None:
        conn.execute(text(
            "UPDATE hits SET observable_a_id = :a, observable_b_id = :b, org_a_id = :oa, "
            "org_b_id = :ob, contribution_a_id = :ca, contribution_b_id = :cb, kind = :k "
            "WHERE id = :id"),
            {"a": a, "b": b, "oa": org_a, "ob": org_b, "ca": con_a, "cb": con_b, "k": kind,
             "id": hit["id"]})
        return
    ids = {"twin": twin, "id": hit["id"]}
    conn.execute(text(
        "UPDATE hits SET first_at = (SELECT MIN(h.first_at) FROM hits h WHERE h.id IN "
        "(:twin, :id)), last_at = (SELECT MAX(h.last_at) FROM hits h WHERE h.id IN "
        "(:twin, :id)) WHERE id = :twin"), ids)
    conn.execute(text("UPDATE access_requests SET hit_id = :twin WHERE hit_id = :id"), ids)
    conn.execute(text("DELETE FROM hits WHERE id = :id"), ids)
