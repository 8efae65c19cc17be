"""Matching rules as set-based SQL over a probe table.

``tmp_probe`` holds the selectors being matched — a submission's, one organisation's during a
rematch, or values a user wants to deconflict — with their derived keys. Each rule adds rows
to ``tmp_match``: the probe, the other organisation's observable that matches it, that
organisation, its latest contribution holding it, the kind of match, and whether the probe is
the specific side (``a``: IP, URL, e-mail, subdomain) or the containing side (``b``).
The rules themselves are in ``rules``: each is an index lookup per probe row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from intelpool.db import bulk
from intelpool.matching import rules
from intelpool.matching.derive import ip_key, keys

PROBE_COLUMNS = ("probe_key", "observable_id", "contribution_id", "type", "value", "ip_lo",
                 "ip_hi", "host", "rev_name")

_CHUNK = 20_000  # probe rows turned into CIDR keys at a time


def create_tables(conn: Connection) -> None:
    bulk.create_temp_table(
        conn, "tmp_probe",
        "probe_key BIGINT PRIMARY KEY, observable_id BIGINT, contribution_id BIGINT, "
        "type VARCHAR(32), value TEXT, ip_lo VARCHAR(32), ip_hi VARCHAR(32), host TEXT, "
        "rev_name TEXT, fresh BOOLEAN",
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
    columns = ("INSERT INTO tmp_probe (probe_key, observable_id, contribution_id, type, value, "
               "ip_lo, ip_hi, host, rev_name")
    held = ("FROM observations o JOIN contributions c ON c.id = o.contribution_id "
            f"WHERE {where}")
    if bulk.is_sqlite(conn):
        # An upsert keeps the latest contribution without sorting every row for a GROUP BY:
        # three times faster on a large submission. PostgreSQL refuses an upsert that meets
        # one key twice in a statement.
        conn.exec_driver_sql(
            columns + ") SELECT ob.id, ob.id, o.contribution_id, ob.type, ob.value, ob.ip_lo, "
            "ob.ip_hi, ob.host, ob.rev_name FROM observations o "
            "JOIN contributions c ON c.id = o.contribution_id "
            f"JOIN observables ob ON ob.id = o.observable_id WHERE ob.warning IS NULL AND {where} "
            "ON CONFLICT (probe_key) DO UPDATE "
            "SET contribution_id = max(contribution_id, excluded.contribution_id)", params)
    else:
        conn.exec_driver_sql(_held(f"SELECT o.observable_id, max(o.contribution_id) AS latest "
                                   f"{held} GROUP BY o.observable_id"), params)


def _held(latest: str) -> str:
    """The probe rows of the observables ``latest`` names (``observable_id``, ``latest``
    contribution), not warninglisted, as stored now (PostgreSQL). Each is one primary-key
    lookup (LATERAL, fenced): a hash join on the statistics' guess read every observable
    of the pool."""
    return ("INSERT INTO tmp_probe (probe_key, observable_id, contribution_id, type, value, "
            "ip_lo, ip_hi, host, rev_name, fresh) SELECT ob.id, ob.id, g.latest, ob.type, "
            "ob.value, ob.ip_lo, ob.ip_hi, ob.host, ob.rev_name, false "
            f"FROM ({latest}) g CROSS JOIN LATERAL (SELECT ob.* FROM observables ob "
            "WHERE ob.id = g.observable_id AND ob.warning IS NULL OFFSET 0) ob")


def probe_written(conn: Connection, written_from: int) -> None:
    """Fill the probe with a submission's selectors from the rows read when it was written
    (``tmp_written``, ``pool/written.py``; PostgreSQL). Its own new selectors (``fresh``)
    are taken from there as they are: no other transaction can change them. Only the
    selectors the pool held before are looked up again, one primary-key lookup each, for
    their warninglist mark as it stands now. The new ones this submission's warninglists
    marked are one range of the primary key (ids from ``written_from`` on)."""
    columns = ("INSERT INTO tmp_probe (probe_key, observable_id, contribution_id, type, value, "
               "ip_lo, ip_hi, host, rev_name, fresh) ")
    # One row per selector, of its latest contribution: sorting on the id alone costs a
    # third less than grouping on the selector's text columns as well.
    conn.exec_driver_sql(
        columns + "SELECT DISTINCT ON (w.observable_id) w.observable_id, w.observable_id, "
        "w.contribution_id, w.type, w.value, w.ip_lo, w.ip_hi, w.host, w.rev_name, true "
        "FROM tmp_written w WHERE w.fresh AND w.observable_id NOT IN (SELECT x.id FROM "
        f"observables x WHERE x.id >= {int(written_from)} AND x.warning IS NOT NULL) "
        "ORDER BY w.observable_id, w.contribution_id DESC")
    conn.exec_driver_sql(_held("SELECT w.observable_id, max(w.contribution_id) AS latest "
                               "FROM tmp_written w WHERE NOT w.fresh GROUP BY w.observable_id"))


def probe_values(conn: Connection, values: Iterable[tuple[int, str, str, int | None]]) -> None:
    """Fill the probe with parsed values: (key, type, canonical value, observable id or None)."""
    rows = [(key, obs_id, None, kind, value, *keys(kind, value))
            for key, kind, value, obs_id in values]
    bulk.load_rows(conn, "tmp_probe", PROBE_COLUMNS, rows)


def run_rules(conn: Connection, me: int, *, both_directions: bool = True,
              exact_only_above: bool = False, new_from: int | None = None,
              exact: bool = True) -> None:
    """Add every match of the probe against other organisations' data to tmp_match.

    The probe table must be filled before; it is analysed here for PostgreSQL's planner.

    A rematch probes each organisation in turn, so it needs only one direction of each
    containment rule, and each exact pair once (``exact_only_above``). Observables from id
    ``new_from`` on arrived with the probe itself: nobody else can hold them yet. Without
    ``exact`` the exact rule is left out (a rematch that found those hits for the whole pool).
    """
    prepare(conn)
    for rule, sql in rules.statements(conn, me, both_directions=both_directions,
                                       exact_only_above=exact_only_above, new_from=new_from):
        if exact or rule.name != "exact":
            conn.exec_driver_sql(sql)


def prepare(conn: Connection) -> None:
    """The keys the rules join on, derived from the filled probe."""
    # The rules read the probe's size and its types; sampling the text columns too took a
    # tenth of a rematch on PostgreSQL.
    bulk.analyze(conn, "tmp_probe (probe_key, observable_id, type)")
    _cidr_candidates(conn)
    _parents(conn)


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
