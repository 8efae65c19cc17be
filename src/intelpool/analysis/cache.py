"""Each organisation's analysis, kept in the store until the data it may see changes.

The fingerprint (count, id sum, newest id and selector count of the visible contributions,
and how many selectors warninglists mark) is computed in SQL on every read: a submission,
a grant, a new sharing-group membership or a rematch changes it, and the next read
recomputes. CLI calls are separate processes, so the cache lives in the store: the small
parts (hubs cut, warninglisted count), the entities and the link graph in one row, each
network with its ranked targets in a row of its own, so one page of networks is read and
decompressed without the rest.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import Connection, delete, func, insert, select

from intelpool.access import Principal
from intelpool.analysis import extract
from intelpool.analysis.pipeline import VERSION, analyse
from intelpool.db.tables import analysis_cache, analysis_networks
from intelpool.db.types import utcnow

# What this process last read or computed per store and organisation: repeated calls (a
# server, a benchmark) skip the store when the fingerprint still matches.
_memo: dict[tuple[str, int], tuple[str, dict[str, Any]]] = {}
_graphs: dict[tuple[str, int], tuple[str, bytes]] = {}
_entities: dict[tuple[str, int], tuple[str, list[dict[str, Any]]]] = {}


def forget() -> None:
    """Drop this process's copies: the next read takes the store's (or recomputes)."""
    _memo.clear()
    _graphs.clear()
    _entities.clear()


def fingerprint(conn: Connection, principal: Principal) -> str:
    parts = (VERSION, *extract.fingerprint_row(conn, principal))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _pack(value: Any) -> bytes:
    """Deflated at the fastest level: level 6 took twice as long at a million selectors
    (a tenth of a second) for an eighth less."""
    return zlib.compress(orjson.dumps(value), 1)


def _unpack(blob: bytes) -> Any:
    return orjson.loads(zlib.decompress(blob))


def _where(conn: Connection, principal: Principal) -> tuple[str, int]:
    org = principal.organisation_id
    assert org is not None
    return conn.engine.url.render_as_string(hide_password=True), org


def summary(conn: Connection, principal: Principal) -> dict[str, Any]:
    """The principal's analysis summary (hubs cut, warninglisted count), recomputing the
    whole analysis first when the data it may see has changed."""
    where = _where(conn, principal)
    key = fingerprint(conn, principal)
    # The store's row decides, not this process's copy: another process may have replaced
    # it, or the store been emptied, since this process last read it.
    stored = conn.execute(select(analysis_cache.c.fingerprint)
                          .where(analysis_cache.c.organisation_id == where[1])).scalar()
    if stored != key:
        small = _recompute(conn, principal, key)
    else:
        held = _memo.get(where)
        if held is not None and held[0] == key:
            return held[1]
        small = _unpack(bytes(conn.execute(
            select(analysis_cache.c.summary)
            .where(analysis_cache.c.organisation_id == where[1])).scalar_one()))
    _memo[where] = (key, small)
    return small


def _recompute(conn: Connection, principal: Principal, key: str) -> dict[str, Any]:
    result, lg = analyse(conn, principal)
    org = principal.organisation_id
    graph = lg.dump()
    small = {"hubs_cut": result["hubs_cut"], "warninglisted": result["warninglisted"]}
    conn.execute(delete(analysis_networks).where(analysis_networks.c.organisation_id == org))
    conn.execute(delete(analysis_cache).where(analysis_cache.c.organisation_id == org))
    conn.execute(insert(analysis_cache).values(
        organisation_id=org, fingerprint=key, computed_at=utcnow(), summary=_pack(small),
        entities=_pack(result["entities"]), graph=graph))
    ranked: dict[str, list[dict[str, Any]]] = {}
    for target in result["targets"]:
        ranked.setdefault(target["network"], []).append(target)
    rows = [{"organisation_id": org, "position": position, "network_id": n["id"],
             "size": n["size"], "themes": "|" + "|".join(n["themes"]) + "|",
             "body": _pack(n), "targets": _pack(ranked.get(n["id"], []))}
            for position, n in enumerate(result["networks"])]
    if rows:
        conn.execute(insert(analysis_networks), rows)
    where = _where(conn, principal)
    _graphs[where] = (key, graph)
    _entities[where] = (key, result["entities"])
    return small


def entities(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    """The resolved entity clusters of the principal's current analysis."""
    where = _where(conn, principal)
    key = _memo[where][0] if where in _memo else ""
    held = _entities.get(where)
    if held is not None and held[0] == key:
        return held[1]
    blob = conn.execute(select(analysis_cache.c.entities)
                        .where(analysis_cache.c.organisation_id == where[1])).scalar_one()
    found: list[dict[str, Any]] = _unpack(bytes(blob))
    _entities[where] = (key, found)
    return found


def graph(conn: Connection, principal: Principal) -> bytes:
    """The link graph (npz bytes) of the principal's current analysis."""
    where = _where(conn, principal)
    key = _memo[where][0] if where in _memo else ""
    held = _graphs.get(where)
    if held is not None and held[0] == key:
        return held[1]
    blob = bytes(conn.execute(select(analysis_cache.c.graph)
                              .where(analysis_cache.c.organisation_id == where[1])).scalar_one())
    _graphs[where] = (key, blob)
    return blob


def _filtered(org: int, theme: str | None, min_size: int) -> list[Any]:
    n = analysis_networks.c
    where = [n.organisation_id == org, n.size >= min_size]
    if theme is not None:
        where.append(n.themes.contains(f"|{theme}|", autoescape=True))
    return where


def network_page(conn: Connection, principal: Principal, *, theme: str | None, min_size: int,
                 limit: int | None, offset: int) -> tuple[list[dict[str, Any]], int]:
    """One page of the current analysis's networks (largest first) and how many match."""
    org = principal.organisation_id
    assert org is not None
    where = _filtered(org, theme, min_size)
    total = conn.execute(select(func.count()).select_from(analysis_networks)
                         .where(*where)).scalar_one()
    query = (select(analysis_networks.c.body).where(*where)
             .order_by(analysis_networks.c.position).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    return [_unpack(bytes(blob)) for (blob,) in conn.execute(query)], int(total)


def network(conn: Connection, principal: Principal, network_id: str) -> dict[str, Any] | None:
    row = _network_row(conn, principal, network_id, analysis_networks.c.body)
    return None if row is None else dict(_unpack(row))


def targets(conn: Connection, principal: Principal,
            network_id: str | None) -> Iterable[list[dict[str, Any]]]:
    """Ranked targets per network (rank 1 first), network by network in listing order;
    nothing for a network id the current analysis does not hold."""
    if network_id is not None:
        row = _network_row(conn, principal, network_id, analysis_networks.c.targets)
        return [] if row is None else [_unpack(row)]
    rows = conn.execute(select(analysis_networks.c.targets)
                        .where(analysis_networks.c.organisation_id == principal.organisation_id)
                        .order_by(analysis_networks.c.position))
    return [_unpack(bytes(blob)) for (blob,) in rows]


def _network_row(conn: Connection, principal: Principal, network_id: str,
                 column: Any) -> bytes | None:
    blob = conn.execute(select(column).where(
        analysis_networks.c.organisation_id == principal.organisation_id,
        analysis_networks.c.network_id == network_id)).scalar()
    return None if blob is None else bytes(blob)
