"""Matching rules as set-based SQL over a probe table.

``tmp_probe`` holds the selectors being matched — a submission's, one organisation's during a
rematch, or values a user wants to deconflict — with their derived keys. Each rule adds rows
to ``tmp_match``: the probe, the other organisation's observable that matches it, that
organisation, its latest contribution holding it, the kind of match, and whether the probe is
the specific side (``a``: IP, URL, e-mail, subdomain) or the containing side (``b``).
Every rule is an index join; none compares all pairs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from intelpool.db import bulk
from intelpool.matching.derive import ip_key, keys

PROBE_COLUMNS = ("probe_key", "observable_id", "contribution_id", "type", "value", "ip_lo",
                 "ip_hi", "host", "rev_name")

# Held by another organisation, not marked by a warninglist: the matchable side of a rule.
_HELD = (
    "{join} observations h ON h.observable_id = x.id "
    "{join} contributions hc ON hc.id = h.contribution_id AND hc.originator_id <> {me} "
    "{other_filter}"
)
_GROUP = " GROUP BY p.probe_key, x.id, hc.originator_id"
_CHUNK = 20_000  # probe rows turned into CIDR keys at a time


def create_tables(conn: Connection) -> None:
    bulk.create_temp_table(
        conn, "tmp_probe",
        "probe_key BIGINT PRIMARY KEY, observable_id BIGINT, contribution_id BIGINT, "
        "type VARCHAR(32), value TEXT, ip_lo VARCHAR(32), ip_hi VARCHAR(32), host TEXT, "
        "rev_name TEXT",
    )
    bulk.create_temp_table(
        conn, "tmp_match",
        "probe_key BIGINT, other_id BIGINT, org_id BIGINT, contribution_id BIGINT, "
        "kind VARCHAR(16), probe_is_a BOOLEAN",
    )
    bulk.create_temp_table(conn, "tmp_parents", "probe_key BIGINT, parent TEXT")
    bulk.create_temp_table(conn, "tmp_cidr_keys", "probe_key BIGINT, lo VARCHAR(32)")


def probe_pool_rows(conn: Connection, where: str, params: dict[str, Any]) -> None:
    """Fill the probe from stored observations (``where`` filters observations ``o`` and
    contributions ``c``); warninglisted observables never match."""
    insert = (
        "INSERT INTO tmp_probe (probe_key, observable_id, contribution_id, type, value, ip_lo, "
        "ip_hi, host, rev_name) SELECT ob.id, ob.id, {latest}, ob.type, ob.value, ob.ip_lo, "
        "ob.ip_hi, ob.host, ob.rev_name FROM observations o "
        "JOIN contributions c ON c.id = o.contribution_id "
        "JOIN observables ob ON ob.id = o.observable_id "
        f"WHERE ob.warning IS NULL AND {where} "
    )
    if bulk.is_sqlite(conn):
        # An upsert keeps the latest contribution without sorting every row for a GROUP BY:
        # three times faster on a large submission. PostgreSQL refuses an upsert that meets
        # one key twice in a statement, and groups by the primary key alone.
        conn.exec_driver_sql(
            insert.format(latest="o.contribution_id") + "ON CONFLICT (probe_key) DO UPDATE "
            "SET contribution_id = max(contribution_id, excluded.contribution_id)", params)
    else:
        conn.exec_driver_sql(insert.format(latest="max(o.contribution_id)") + "GROUP BY ob.id",
                             params)


def probe_values(conn: Connection, values: Iterable[tuple[int, str, str, int | None]]) -> None:
    """Fill the probe with parsed values: (key, type, canonical value, observable id or None)."""
    rows = [(key, obs_id, None, kind, value, *keys(kind, value))
            for key, kind, value, obs_id in values]
    bulk.load_rows(conn, "tmp_probe", PROBE_COLUMNS, rows)


def run_rules(conn: Connection, me: int, *, both_directions: bool = True,
              exact_only_above: bool = False, new_from: int | None = None) -> None:
    """Add every match of the probe against other organisations' data to tmp_match.

    The probe table must be filled before; it is analysed here for PostgreSQL's planner.

    A rematch probes each organisation in turn, so it needs only one direction of each
    containment rule, and each exact pair once (``exact_only_above``). Observables from id
    ``new_from`` on arrived with the probe itself: nobody else can hold them yet.
    """
    bulk.analyze(conn, "tmp_probe")
    # SQLite's planner may otherwise scan the pool and probe the probe table; CROSS JOIN is
    # its way to fix the order: the probe drives every rule, then the matched observable,
    # then who holds it. PostgreSQL plans this itself.
    to_pool = "CROSS JOIN" if bulk.is_sqlite(conn) else "JOIN"
    held = _HELD.format(me=int(me), join=to_pool, other_filter=f"AND hc.originator_id > "
                        f"{int(me)} " if exact_only_above else "")
    plain = _HELD.format(me=int(me), join=to_pool, other_filter="")
    insert = ("INSERT INTO tmp_match (probe_key, other_id, org_id, contribution_id, kind, "
              "probe_is_a) SELECT p.probe_key, x.id, hc.originator_id, max(hc.id), ")
    notice = "AND x.warning IS NULL "
    conn.exec_driver_sql(
        insert + "'exact', true FROM tmp_probe p " + to_pool + " observables x ON "
        "x.id = p.observable_id " + notice + held +
        ("" if new_from is None else f"WHERE p.observable_id < {int(new_from)}") + _GROUP)
    _cidr_candidates(conn)
    conn.exec_driver_sql(
        insert + "'cidr', true FROM tmp_cidr_keys k JOIN tmp_probe p ON p.probe_key = "
        "k.probe_key " + to_pool + " observables x ON x.type = 'cidr' AND x.ip_lo = k.lo AND "
        "x.ip_hi >= p.ip_lo " + notice + plain + _GROUP)
    conn.exec_driver_sql(
        insert + "CASE WHEN p.type = 'email' THEN 'email-domain' ELSE 'url-host' END, true "
        "FROM tmp_probe p " + to_pool + " observables x ON x.type IN ('domain', 'hostname') AND "
        "x.value = p.host AND p.type IN ('url', 'email') " + notice + plain +
        _GROUP + ", p.type")
    _parents(conn)
    conn.exec_driver_sql(
        insert + "'subdomain', true FROM tmp_parents t JOIN tmp_probe p ON p.probe_key = "
        "t.probe_key " + to_pool + " observables x ON x.type = 'domain' AND x.value = t.parent "
        + notice + plain + _GROUP)
    if not both_directions:
        return
    # Range rules name their index on SQLite: without statistics its planner would rather
    # build a throw-away index on the type alone, and compare every probe with every row.
    by_ip, by_name = (" INDEXED BY ix_observables_type_ip_lo",
                      " INDEXED BY ix_observables_type_rev_name") if bulk.is_sqlite(conn) \
        else ("", "")
    conn.exec_driver_sql(
        insert + "'cidr', false FROM tmp_probe p " + to_pool + " observables x" + by_ip +
        " ON x.type IN "
        "('ipv4', 'ipv6') AND x.ip_lo >= p.ip_lo AND x.ip_lo <= p.ip_hi AND p.type = 'cidr' "
        + notice + plain + _GROUP)
    conn.exec_driver_sql(
        insert + "CASE WHEN x.type = 'email' THEN 'email-domain' ELSE 'url-host' END, false "
        "FROM tmp_probe p " + to_pool + " observables x" + by_name + " ON x.type IN "
        "('url', 'email') AND "
        "x.rev_name = p.rev_name AND p.type IN ('domain', 'hostname') " + notice + plain +
        _GROUP + ", x.type")
    conn.exec_driver_sql(
        insert + "'subdomain', false FROM tmp_probe p " + to_pool + " observables x" +
        by_name + " ON "
        "x.rev_name > (p.rev_name || '.') AND x.rev_name < (p.rev_name || '/') "
        "AND x.type = 'domain' AND p.type = 'domain' "
        + notice + plain + _GROUP)


def _cidr_candidates(conn: Connection) -> None:
    """For each probe address, the network start of every CIDR prefix length in the pool.

    Joining on these exact keys finds every containing CIDR through the (type, ip_lo) index,
    without scanning all CIDRs per address. Keys are loaded a chunk at a time, so memory does
    not grow with the submission.
    """
    position = "instr(value, '/')" if bulk.is_sqlite(conn) else "strpos(value, '/')"
    lengths = [int(r[0]) for r in conn.exec_driver_sql(
        f"SELECT DISTINCT substr(value, {position} + 1) FROM observables WHERE type = 'cidr'")]
    if not lengths:
        return
    addresses = conn.exec_driver_sql(
        "SELECT probe_key, type, ip_lo FROM tmp_probe WHERE type IN ('ipv4', 'ipv6')",
        execution_options={"stream_results": True})
    for chunk in addresses.partitions(_CHUNK):
        rows: list[tuple[int, str]] = []
        for key, kind, lo in chunk:
            address = int(lo, 16)
            bits, version = (32, 4) if kind == "ipv4" else (128, 6)
            base = address & 0xFFFFFFFF if version == 4 else address
            for length in lengths:
                if length <= bits:
                    mask = ((1 << bits) - 1) ^ ((1 << (bits - length)) - 1)
                    rows.append((key, ip_key(base & mask, version)))
        bulk.load_rows(conn, "tmp_cidr_keys", ("probe_key", "lo"), rows)
    bulk.analyze(conn, "tmp_cidr_keys")


def _parents(conn: Connection) -> None:
    """The registrable-looking parents of each probe domain (www.a.example.com: a.example.com
    and example.com), made in SQL so that memory does not grow with the submission."""
    find = "instr" if bulk.is_sqlite(conn) else "strpos"

    def rest(name: str) -> str:  # the name without its first label
        return f"substr({name}, {find}({name}, '.') + 1)"

    conn.exec_driver_sql(
        f"WITH RECURSIVE up (probe_key, parent) AS (SELECT probe_key, {rest('value')} "
        f"FROM tmp_probe WHERE type = 'domain' AND {find}({rest('value')}, '.') > 0 "
        f"UNION ALL SELECT probe_key, {rest('parent')} FROM up "
        f"WHERE {find}({rest('parent')}, '.') > 0) "
        "INSERT INTO tmp_parents (probe_key, parent) SELECT probe_key, parent FROM up")
    bulk.analyze(conn, "tmp_parents")
