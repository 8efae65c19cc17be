"""What analysts call: graph, path, entities, networks, targets, and one network by id.

Each call needs ``analysis:run``, works on the caller's cached analysis (recomputed when the
data the caller's organisation may see has changed) and is audited. Something the caller may
not see reads exactly like something that does not exist.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from intelpool.access import Permission, Principal, require
from intelpool.analysis import cache, extract
from intelpool.analysis.explore import Explorer, node_kind
from intelpool.analysis.resolve import fold
from intelpool.audit import service as audit
from intelpool.db.tables import observables
from intelpool.errors import InvalidInput, NotFound
from intelpool.observables import InvalidObservable, parse_selector

_explorers: dict[int, tuple[bytes, Explorer]] = {}  # the last graph walked in this process


def _summary(conn: Connection, principal: Principal) -> dict[str, Any] | None:
    """The caller's analysis summary, recomputed first when stale; None without an
    organisation (nothing to see)."""
    require(principal, Permission.ANALYSIS_RUN)
    if principal.organisation_id is None:
        return None
    return cache.summary(conn, principal)


def networks(conn: Connection, principal: Principal, *, theme: str | None = None,
             min_size: int = 3, limit: int | None = None, offset: int = 0) -> dict[str, Any]:
    """Proposed networks of at least ``min_size`` selectors, largest first: ``limit`` of
    them from ``offset`` (all without a limit), with how many match in ``total``."""
    if limit is not None and limit < 1:
        raise InvalidInput(f"limit {limit}: give at least 1")
    if offset < 0:
        raise InvalidInput(f"offset {offset}: give 0 or more")
    small = _summary(conn, principal)
    found, total = ([], 0) if small is None else cache.network_page(
        conn, principal, theme=theme, min_size=min_size, limit=limit, offset=offset)
    audit.record(conn, principal, "analysis.networks",
                 detail={"theme": theme, "min_size": min_size, "networks": len(found)})
    out: dict[str, Any] = {"networks": found, "total": total,
                           "hubs_cut": small["hubs_cut"] if small else [],
                           "warninglisted": small["warninglisted"] if small else 0}
    if offset + len(found) < total:
        out["next_offset"] = offset + len(found)
    return out


def network(conn: Connection, principal: Principal, network_id: str) -> dict[str, Any]:
    """One proposed network (members with type, value and role; entities; themes; partners),
    for example to open an operation from it. NotFound when unknown or not the caller's."""
    small = _summary(conn, principal)
    found = None if small is None else cache.network(conn, principal, network_id)
    if found is None:
        raise NotFound(f"no network {network_id!r}")
    audit.record(conn, principal, "analysis.network", subject_type="network",
                 subject_id=network_id)
    return found


def targets(conn: Connection, principal: Principal, *, network_id: str | None = None,
            top: int = 10) -> dict[str, Any]:
    """The ``top`` targets of each network (or of one), rank 1 first, each with reasons."""
    small = _summary(conn, principal)
    per_network = [] if small is None else list(cache.targets(conn, principal, network_id))
    if network_id is not None and not per_network:
        raise NotFound(f"no network {network_id!r}")
    chosen = [t for ranked in per_network for t in ranked if t["rank"] <= top]
    audit.record(conn, principal, "analysis.targets",
                 detail={"network": network_id, "top": top, "targets": len(chosen)})
    return {"targets": [_target_first(t) for t in chosen]}


def _target_first(target: dict[str, Any]) -> dict[str, Any]:
    head: dict[str, Any] = {k: target[k] for k in ("rank", "network") if k in target}
    return {**head, **{k: v for k, v in target.items() if k not in head}}


def _entities(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    return [] if _summary(conn, principal) is None else cache.entities(conn, principal)


def entities(conn: Connection, principal: Principal, *, kind: str | None = None,
             search: str | None = None) -> dict[str, Any]:
    """Resolved entity clusters: every name partners use and the contributions behind it."""
    wanted = fold(search) if search else ""
    found = [e for e in _entities(conn, principal)
             if (kind is None or e["kind"] == kind)
             and (not wanted or any(wanted in fold(n) for n in e["names"]))]
    audit.record(conn, principal, "analysis.entities",
                 detail={"kind": kind, "search": search, "entities": len(found)})
    return {"entities": found}


def graph(conn: Connection, principal: Principal, value: str | None, *,
          type_hint: str | None = None, entity: str | None = None, depth: int = 1,
          limit: int = 200) -> dict[str, Any]:
    """The neighbourhood of a selector (or of an entity), with each edge's evidence."""
    if depth not in (1, 2, 3):
        raise InvalidInput(f"depth {depth}: choose 1, 2 or 3")
    result, blob = _graph_data(conn, principal)
    explorer = _explorer(conn, principal, blob)
    start, shown = _locate(conn, explorer, result, value, type_hint, entity)
    dist, truncated = explorer.around(start, depth, max(1, limit))
    view = _render(conn, principal, explorer, result, set(dist), dist)
    view |= {"center": shown, "depth": depth, "truncated": truncated}
    audit.record(conn, principal, "analysis.graph", subject_type="observable",
                 subject_id=shown[:64], detail={"depth": depth, "nodes": len(dist)}, read=True)
    return view


def path(conn: Connection, principal: Principal, source: str, target: str, *,
         max_hops: int = 4) -> dict[str, Any]:
    """The shortest evidence paths between two selectors or entities (``entity:NAME``)."""
    result, blob = _graph_data(conn, principal)
    explorer = _explorer(conn, principal, blob)
    a, a_shown = _locate_any(conn, explorer, result, source)
    b, b_shown = _locate_any(conn, explorer, result, target)
    found = explorer.paths(a, b, max(1, max_hops))
    audit.record(conn, principal, "analysis.path", detail={
        "from": a_shown, "to": b_shown, "paths": len(found)}, read=True)
    if not found:
        return {"paths": [], "nodes": [], "edges": [],
                "message": f"no path of at most {max_hops} links between {a_shown} and "
                           f"{b_shown} in the data you may see"}
    nodes = {v for p in found for v in p}
    view = _render(conn, principal, explorer, result, nodes, {})
    return {"paths": [[int(v) for v in p] for p in found], **view}


def _graph_data(conn: Connection, principal: Principal) -> tuple[dict[str, Any], bytes]:
    """The entities and link graph of the caller's current analysis (none: nothing)."""
    if _summary(conn, principal) is None:
        return {"entities": []}, b""
    return {"entities": cache.entities(conn, principal)}, cache.graph(conn, principal)


def _explorer(conn: Connection, principal: Principal, blob: bytes) -> Explorer:
    if not blob:
        raise NotFound("nothing in the data you may see")
    held = _explorers.get(0)
    if held is None or held[0] is not blob:  # the cache hands out the same bytes while fresh
        held = (blob, Explorer.load(blob))
        _explorers[0] = held
    return held[1]


def _locate_any(conn: Connection, explorer: Explorer, result: dict[str, Any],
                text: str) -> tuple[int, str]:
    if text.startswith("entity:"):
        return _locate(conn, explorer, result, None, None, text[len("entity:"):])
    return _locate(conn, explorer, result, text, None, None)


def _locate(conn: Connection, explorer: Explorer, result: dict[str, Any], value: str | None,
            type_hint: str | None, entity: str | None) -> tuple[int, str]:
    if entity is not None:
        wanted = fold(entity)
        for index, e in enumerate(result["entities"]):
            if wanted and any(fold(n) == wanted for n in e["names"]):
                node = explorer.node(index * 4 + 2)
                if node is not None:
                    return node, f"{e['kind']}:{e['name']}"
        raise NotFound(f"no entity named {entity!r} in the data you may see")
    if not value:
        raise InvalidInput("name a selector or an entity")
    try:
        kind, canonical = parse_selector(value, type_hint)
    except InvalidObservable as exc:
        raise InvalidInput(f"cannot look up {value!r}: {exc}") from None
    shown = f"{kind}:{canonical}"
    oid = conn.execute(select(observables.c.id).where(observables.c.type == kind,
                                                      observables.c.value == canonical)
                       ).scalar()
    node = explorer.node(oid * 4) if oid is not None else None
    if node is None:
        raise NotFound(f"no selector {shown} in the data you may see (or it is on a "
                       "warninglist, which links nothing)")
    return node, shown


def _render(conn: Connection, principal: Principal, explorer: Explorer, result: dict[str, Any],
            nodes: set[int], dist: dict[int, int]) -> dict[str, Any]:
    keys = {v: int(explorer.keys[v]) for v in nodes}
    ids = [k // 4 for k in keys.values() if k % 4 == 0]
    details = {r[0]: (r[1], r[2]) for r in conn.execute(
        select(observables.c.id, observables.c.type, observables.c.value)
        .where(observables.c.id.in_(ids)))} if ids else {}
    edges = explorer.edges_among(nodes)
    meta = extract.contribution_meta(conn, principal, [c for e in edges
                                                       for c in e["contributions"]] +
                                     [k // 4 for k in keys.values() if k % 4 == 3])
    out_nodes = []
    for v in sorted(nodes, key=lambda n: (dist.get(n, 0), keys[n])):
        key = keys[v]
        node: dict[str, Any] = {"id": v, "kind": node_kind(key)}
        if key % 4 == 0:
            node["type"], node["value"] = details[key // 4]
        elif key % 4 == 2:
            e = result["entities"][key // 4]
            node |= {"entity_kind": e["kind"], "name": e["name"], "names": e["names"]}
        elif key % 4 == 3:
            m = meta.get(key // 4)
            node |= {"contribution": key // 4, "originator": m.originator if m else None}
        if v in dist:
            node["distance"] = dist[v]
        if explorer.hub[v]:
            node["hub"] = "linked to very many others: its links were cut, not followed"
        out_nodes.append(node)
    for e in edges:
        e["evidence"] = [{"contribution": c, "originator": meta[c].originator}
                         for c in e.pop("contributions") if c in meta]
        if e["type"] == "derived" and not e["evidence"]:  # from the values themselves
            e["evidence"] = [{"derived": e["label"]}]
    return {"nodes": out_nodes, "edges": edges}
