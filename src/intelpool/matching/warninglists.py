"""Warninglists (MISP format): values that are likely false positives, marked in SQL.

A marked observable never raises a hit and searches show the warning. intelpool ships lists of
what it can state as fact (``matching/lists``); ``INTELPOOL_WARNINGLIST_DIR`` adds MISP
warninglists (any ``*.json`` with ``type`` and ``list`` below it). Types ``cidr``, ``string``
and ``hostname`` are applied; ``substring`` and ``regex`` lists are loaded but not applied,
and ``intelpool warninglists`` says so.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection

from intelpool.db import bulk
from intelpool.db.tables import observables
from intelpool.db.types import storable_text
from intelpool.errors import InvalidInput
from intelpool.matching.derive import ip_key, reverse_name

APPLIED = ("cidr", "string", "hostname")


@dataclass(frozen=True, slots=True)
class Warninglist:
    name: str
    kind: str
    entries: tuple[str, ...]
    source: str  # "built-in" or the file it came from

    @property
    def applied(self) -> bool:
        return self.kind in APPLIED


def _parse(doc: Any, source: str) -> Warninglist:
    if not isinstance(doc, dict) or not isinstance(doc.get("list"), list) or "name" not in doc:
        raise InvalidInput(f"{source}: not a MISP warninglist (needs name, type and list)")
    name = storable_text(observables.c.warning, str(doc["name"]), f"{source}: the name")
    entries = tuple(str(e).strip() for e in doc["list"] if str(e).strip())
    return Warninglist(name, str(doc.get("type", "string")), entries, source)


def builtin() -> list[Warninglist]:
    folder = resources.files("intelpool.matching") / "lists"
    return [_parse(orjson.loads(f.read_bytes()), "built-in")
            for f in sorted(folder.iterdir(), key=lambda f: f.name) if f.name.endswith(".json")]


def load_directory(path: Path) -> list[Warninglist]:
    if not path.is_dir():
        raise InvalidInput(f"warninglist directory {path} does not exist")
    found = []
    for file in sorted(path.rglob("*.json")):
        try:
            doc = orjson.loads(file.read_bytes())
        except orjson.JSONDecodeError as exc:
            raise InvalidInput(f"{file}: not valid JSON ({exc})") from None
        if isinstance(doc, dict) and "list" in doc and "type" in doc:
            found.append(_parse(doc, str(file)))
    return found


@lru_cache(maxsize=4)
def load(directory: Path | None) -> tuple[Warninglist, ...]:
    return tuple(builtin() + (load_directory(directory) if directory else []))


def apply(conn: Connection, lists: tuple[Warninglist, ...], first_id: int | None = None) -> None:
    """Mark unmarked observables: all of them, or those from id ``first_id`` on."""
    where = "warning IS NULL" + (f" AND id >= {int(first_id)}" if first_id else "")
    for wl in lists:
        if wl.kind == "cidr":
            _apply_ranges(conn, wl, where)
        elif wl.kind == "string":
            _apply_values(conn, wl, where)
        elif wl.kind == "hostname":
            _apply_names(conn, wl, where)


def _apply_ranges(conn: Connection, wl: Warninglist, where: str) -> None:
    networks: list[Any] = []
    for entry in wl.entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue  # MISP lists hold the odd non-address line; it matches nothing
    # Merged ranges do not overlap, so the range starting at or before an address is the
    # only one that can hold it: one index probe per observable. IPv4 lives inside IPv6's
    # mapped space here, so both families merge in one key space.
    spans = sorted((int(ip_key(int(n.network_address), n.version), 16),
                    int(ip_key(int(n.broadcast_address), n.version), 16)) for n in networks)
    merged: list[list[int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    rows = [(f"{lo:032x}", f"{hi:032x}") for lo, hi in merged]
    bulk.create_temp_table(conn, "tmp_wl_ranges", "lo VARCHAR(32) PRIMARY KEY, hi VARCHAR(32)")
    bulk.load_rows(conn, "tmp_wl_ranges", ("lo", "hi"), rows)
    if _whole_pool(conn, where):
        # Each range is one range of the (type, ip_lo) index (LATERAL, fenced): the few
        # addresses inside the listed ranges are read, not every address of the pool.
        _mark(conn, wl, where + " AND id IN (SELECT x.id FROM tmp_wl_ranges w CROSS JOIN "
              "LATERAL (SELECT x.id FROM observables x WHERE x.type IN ('ipv4', 'ipv6', "
              "'cidr') AND x.ip_lo >= w.lo AND x.ip_lo <= w.hi AND x.ip_hi <= w.hi "
              "OFFSET 0) x)")
        return
    _mark(conn, wl, where + " AND type IN ('ipv4', 'ipv6', 'cidr') AND (SELECT w.hi FROM "
          "tmp_wl_ranges w WHERE w.lo <= observables.ip_lo ORDER BY w.lo DESC LIMIT 1) "
          ">= observables.ip_hi")


def _apply_values(conn: Connection, wl: Warninglist, where: str) -> None:
    values = {v for e in wl.entries for v in (e, e.lower())}
    bulk.create_temp_table(conn, "tmp_wl_values", "value TEXT PRIMARY KEY")
    bulk.load_rows(conn, "tmp_wl_values", ("value",), [(v,) for v in sorted(values)])
    if _whole_pool(conn, where):
        # Each listed value under each type the pool holds (found by one index descent per
        # type) is one lookup of the (type, value) index (LATERAL, fenced), where a semi-join
        # or a hash join read every observable of the pool.
        _mark(conn, wl, where + " AND id IN (SELECT x.id FROM "
              f"({_POOL_TYPES}) t CROSS JOIN tmp_wl_values v CROSS JOIN LATERAL (SELECT x.id "
              "FROM observables x WHERE x.type = t.type AND x.value = v.value OFFSET 0) x)")
        return
    _mark(conn, wl, where + " AND value IN (SELECT value FROM tmp_wl_values)")


# The types the pool holds, one index descent each (a loose scan of the (type, value) index).
_POOL_TYPES = (
    "WITH RECURSIVE held (type) AS (SELECT min(type) FROM observables UNION ALL "
    "SELECT (SELECT min(o.type) FROM observables o WHERE o.type > held.type) FROM held "
    "WHERE held.type IS NOT NULL) SELECT type FROM held WHERE type IS NOT NULL")


def _whole_pool(conn: Connection, where: str) -> bool:
    """Is every observable being marked, on PostgreSQL? SQLite keeps one plan for both."""
    return where == "warning IS NULL" and not bulk.is_sqlite(conn)


def _apply_names(conn: Connection, wl: Warninglist, where: str) -> None:
    names = sorted({e.strip(".").lower() for e in wl.entries if e.strip(".")})
    # One index range probe per list entry: the name itself and every name below it.
    rev, below, after = (bulk.param(conn, n) for n in ("rev", "below", "after"))
    _mark(conn, wl, where + " AND type IN ('domain', 'hostname', 'url', 'email') AND "
          f"(rev_name = {rev} OR (rev_name > {below} AND rev_name < {after}))",
          [{"rev": r, "below": r + ".", "after": r + "/"} for r in map(reverse_name, names)])


def _mark(conn: Connection, wl: Warninglist, condition: str,
          rows: list[dict[str, str]] | None = None) -> None:
    name = bulk.param(conn, "list_name")
    sql = f"UPDATE observables SET warning = {name} WHERE {condition}"
    if rows is None:
        conn.exec_driver_sql(sql, {"list_name": wl.name})
    elif rows:
        conn.exec_driver_sql(sql, [{**r, "list_name": wl.name} for r in rows])
