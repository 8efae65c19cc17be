"""A full rematch's containment hits on PostgreSQL, for the whole pool at once.

An address in a CIDR, a URL or e-mail address on a domain (or host name), a domain below
another: probed organisation by organisation, every selector of the pool was looked up once
per rule (tens of millions of index lookups at 10M observations, nearly all finding
nothing). Here each rule is one statement over the pool that pairs the observables that
match, whoever holds them; only the observables in a pair then have their holders looked
up, and every pair of holders from two organisations is a hit. The rows are those the
per-organisation rules record: side a the specific selector, side b the containing one, each
side's latest contribution holding it, warninglisted observables on neither side.
"""

from __future__ import annotations

from sqlalchemy import Connection

from intelpool.db import bulk

# Observable pairs (specific a, containing b) and the kind of hit they make, one statement a
# rule.
_PAIRS = (
    # Each CIDR's addresses are one range of the (type, ip_lo) index; an address is matched
    # only with networks of its own family, as the probe's keys do.
    "SELECT x.id, y.id, 'cidr' FROM observables y CROSS JOIN LATERAL ("
    "SELECT x.id FROM observables x WHERE x.type IN ('ipv4', 'ipv6') "
    "AND x.ip_lo >= y.ip_lo AND x.ip_lo <= y.ip_hi AND x.warning IS NULL "
    "AND (x.type = 'ipv6') = (strpos(y.value, ':') > 0) OFFSET 0) x "
    "WHERE y.type = 'cidr' AND y.warning IS NULL",
    # A URL's or address's host named as a domain or host name: equal reversed names.
    "SELECT x.id, y.id, CASE WHEN x.type = 'email' THEN 'email-domain' ELSE 'url-host' END "
    "FROM observables x JOIN observables y ON y.rev_name = x.rev_name "
    "AND y.type IN ('domain', 'hostname') AND y.warning IS NULL "
    "WHERE x.type IN ('url', 'email') AND x.rev_name IS NOT NULL AND x.warning IS NULL",
    # A domain below another: each domain's parents of two labels or more (www.a.example.com:
    # a.example.com and example.com), looked up among the domains.
    "SELECT d.id, y.id, 'subdomain' FROM (SELECT x.id, array_to_string(x.labels[k:], '.') "
    "AS parent FROM (SELECT id, string_to_array(value, '.') AS labels FROM observables "
    "WHERE type = 'domain' AND warning IS NULL) x "
    "CROSS JOIN generate_series(2, cardinality(x.labels) - 1) k) d "
    "JOIN observables y ON y.type = 'domain' AND y.value = d.parent AND y.warning IS NULL",
)


def contained_hits(conn: Connection) -> str:
    """Pair the observables of every containment rule and look up who holds them; returns a
    SELECT of the pool's containment hits, as hit columns."""
    conn.exec_driver_sql("DROP TABLE IF EXISTS tmp_pairs")
    conn.exec_driver_sql("CREATE TEMP TABLE tmp_pairs (a_id BIGINT, b_id BIGINT, "
                         "kind VARCHAR(16)) ON COMMIT DROP")
    for pairs in _PAIRS:
        conn.exec_driver_sql(f"INSERT INTO tmp_pairs (a_id, b_id, kind) {pairs}")
    bulk.analyze(conn, "tmp_pairs")
    # Who holds each end of a pair: per organisation, its latest contribution.
    conn.exec_driver_sql("DROP TABLE IF EXISTS tmp_ends")
    conn.exec_driver_sql(
        "CREATE TEMP TABLE tmp_ends ON COMMIT DROP AS SELECT o.observable_id, "
        "c.originator_id AS org_id, max(o.contribution_id) AS contribution_id "
        "FROM observations o JOIN contributions c ON c.id = o.contribution_id "
        "WHERE o.observable_id IN (SELECT a_id FROM tmp_pairs UNION SELECT b_id FROM tmp_pairs) "
        "GROUP BY o.observable_id, c.originator_id")
    bulk.analyze(conn, "tmp_ends")
    return ("SELECT p.a_id AS observable_a_id, p.b_id AS observable_b_id, a.org_id AS org_a_id, "
            "b.org_id AS org_b_id, p.kind, a.contribution_id AS contribution_a_id, "
            "b.contribution_id AS contribution_b_id FROM tmp_pairs p "
            "JOIN tmp_ends a ON a.observable_id = p.a_id "
            "JOIN tmp_ends b ON b.observable_id = p.b_id AND b.org_id <> a.org_id")
