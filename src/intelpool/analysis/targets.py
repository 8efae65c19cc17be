"""Ranked targets per network: key-player thinking first, then role and corroboration.

A target is a node whose removal fragments its network most (Borgatti's fragmentation: the
share of pairs of the remaining nodes that can no longer reach each other), helped by its
betweenness inside the network; then its role (an operator or a cash-out wallet before a
payload hash), how many partners report it, how often it was seen, the best evaluation of
the data behind it, and how recent it is. Each target carries the reasons in words.
"""

from __future__ import annotations

import math
from typing import Any

import igraph as ig
import numpy as np
import numpy.typing as npt

from intelpool.analysis.arrays import components, ends, new_graph
from intelpool.analysis.extract import CLUSTER, OBSERVABLE
from intelpool.analysis.linkgraph import LinkGraph
from intelpool.analysis.roles import ROLE_WEIGHT

# Past this size, exact fragmentation is computed for the likeliest candidates only.
EXACT_UP_TO = 300
CANDIDATES = 40
KIND_WEIGHT = {"threat-actor": 0.9, "intrusion-set": 0.85, "persona": 0.9, "campaign": 0.5,
               "malware": 0.5, "tool": 0.45, "infrastructure": 0.45}
DAY = 86400.0
ALONE = "member of the network"
SHARED = "shared with another network: the data ties it to this network's actors too"


def fragmentation(sub: ig.Graph, vertex: int) -> float:
    """Share of pairs of the other nodes disconnected once ``vertex`` is removed."""
    n = sub.vcount() - 1
    if n < 2:
        return 0.0
    rest = sub.copy()
    rest.delete_vertices([vertex])
    sizes = np.bincount(components(rest)).astype(np.float64)
    return float(1 - (sizes * (sizes - 1)).sum() / (n * (n - 1)))


def outside_links(lg: LinkGraph, graph: ig.Graph,
                  piece: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Per node: how many other networks (pieces) its links reach. A selector that ties a
    network to another (a C2 at a bulletproof hoster, a payment to a crypter) is where
    investigations meet: cutting it separates them."""
    if graph.vcount() == 0:
        return np.zeros(0, np.int64)
    edges = ends(graph)
    kind = lg.keys % 4
    named = (kind == OBSERVABLE) | (kind == CLUSTER)
    a, b = edges[:, 0], edges[:, 1]
    cross = (piece[a] != piece[b]) & named[a] & named[b]
    pairs = np.unique(np.concatenate((np.column_stack((a[cross], piece[b[cross]])),
                                      np.column_stack((b[cross], piece[a[cross]])))), axis=0)
    return np.bincount(pairs[:, 0], minlength=graph.vcount()) if len(pairs) else \
        np.zeros(graph.vcount(), np.int64)


def rank(lg: LinkGraph, links: npt.NDArray[np.int64], network: dict[str, Any],
         nodes: npt.NDArray[np.int64], stat_row: npt.NDArray[np.int64], newest: float,
         outside: npt.NDArray[np.int64],
         guests: npt.NDArray[np.int64] | None = None) -> list[dict[str, Any]]:
    """The network's selectors and named entities, best target first, each with reasons.
    ``nodes`` are ascending node indexes, ``links`` the (a, b) node pairs linking them;
    ``guests`` are selectors another network holds that this one lists as shared."""
    sub = new_graph(len(nodes), np.searchsorted(nodes, links))
    kinds = lg.keys[nodes] % 4
    eligible = np.flatnonzero((kinds == OBSERVABLE) | (kinds == CLUSTER))
    between = np.asarray(sub.betweenness(directed=False,
                                         cutoff=None if len(nodes) <= 3000 else 6), np.float64)
    between = between / between.max() if between.max() > 0 else between
    frag = np.zeros(len(nodes))
    articulation = set(sub.articulation_points())
    if len(nodes) <= EXACT_UP_TO:
        candidates = [int(v) for v in eligible if int(v) in articulation]
    else:
        top = eligible[np.argsort(-between[eligible], kind="stable")[:CANDIDATES]]
        candidates = [int(v) for v in top if int(v) in articulation]
    for v in candidates:
        frag[v] = fragmentation(sub, v)
    frag_n = frag / frag.max() if frag.max() > 0 else frag
    chosen = nodes[eligible]
    bridge = 0.6 * frag_n[eligible] + 0.4 * between[eligible]
    out = [_score(lg, key, row, cut, bridges, reach, newest, network)
           for key, row, cut, bridges, reach in zip(
               lg.keys[chosen].tolist(), _stated(lg, stat_row[chosen]), frag[eligible].tolist(),
               bridge.tolist(), outside[chosen].tolist(), strict=True)]
    degree: list[int] = np.asarray(sub.degree())[eligible].tolist()
    # Selectors the network lists as shared (tied to its named actors and to another's) are
    # targets here too; they bridge nothing inside it, having been placed in another.
    shared = np.zeros(0, np.int64) if guests is None else guests[stat_row[guests] >= 0]
    for key, row, reach in zip(lg.keys[shared].tolist(), _stated(lg, stat_row[shared]),
                               outside[shared].tolist(), strict=True):
        target = _score(lg, key, row, 0.0, 0.0, reach, newest, network)
        target["why"] = [SHARED, *(w for w in target["why"] if w != ALONE)]
        out.append(target)
        degree.append(0)
    # Of equal scores, the one more of the network's links tie in comes first.
    order = sorted(range(len(out)), key=lambda i: (
        -out[i]["score"], -degree[i], out[i].get("type", ""),
        out[i].get("value", out[i].get("name", ""))))
    ranked = [out[i] for i in order]
    for position, target in enumerate(ranked, 1):
        target["rank"] = position
    return ranked


def _stated(lg: LinkGraph, rows: npt.NDArray[np.int64]) -> list[tuple[Any, ...]]:
    """What the statistics say of the given rows (id, partners, sightings, evaluation, last
    seen, type, value), each column taken out once for all of them rather than a value at a
    time. A row of -1 (an entity) gives values nothing reads."""
    s = lg.stats
    if not len(s["id"]):
        return [()] * len(rows)
    return list(zip(*(s[c][rows].tolist() for c in (
        "id", "partners", "sightings", "evaluation", "last", "type", "value")), strict=True))


def _score(lg: LinkGraph, key: int, row: tuple[Any, ...], frag: float, bridge: float,
           outside: int, newest: float, network: dict[str, Any]) -> dict[str, Any]:
    why: list[str] = []
    if frag > 0:
        why.append(f"removing it cuts {frag:.0%} of the network's pairs apart "
                   "(it bridges parts of the network)")
    elif bridge > 0.5:
        why.append("it lies on many of the shortest paths inside the network")
    if outside:
        why.append(f"it ties this network to {outside} other group(s) of the pool")
    reach = min(1.0, outside / 2)
    if key % 4 == CLUSTER:
        cluster = lg.clusters[key // 4]
        role = KIND_WEIGHT.get(cluster.kind, 0.3)
        why.append(f"{cluster.kind} named in {len(cluster.contribution_ids)} contribution(s)")
        # Entities rank among the selectors but after the strongest: a name is a lead, the
        # selectors are what an operation acts on.
        score = 0.5 * (0.4 * bridge + 0.2 * reach + 0.25 * role
                       + 0.15 * min(1.0, len(cluster.contribution_ids) / 4))
        return {"network": network["id"], "kind": "entity", "entity_kind": cluster.kind,
                "name": cluster.name, "score": round(score, 4), "why": why}
    oid, partners, sightings, evaluation, last, kind, value = row
    role_name = lg.roles.get(oid)
    role = ROLE_WEIGHT.get(role_name or "", 0.15 if role_name else 0.0)
    if role_name and role >= 0.55:
        why.append(f"role: {role_name}")
    if partners > 1:
        why.append(f"reported by {partners} partners")
    if sightings > 1:
        why.append(f"seen in {sightings} contributions")
    age = max(0.0, (newest - last) / DAY) if last else 365.0
    recency = max(0.0, 1 - age / 365)
    if age <= 30:
        why.append("active in the last month of the data")
    score = (0.25 * bridge + 0.10 * reach + 0.40 * role + 0.08 * min(1.0, (partners - 1) / 3)
             + 0.06 * min(1.0, math.log2(sightings) / 4) + 0.06 * evaluation + 0.05 * recency)
    return {"network": network["id"], "kind": "selector", "type": str(kind),
            "value": str(value), "role": role_name, "score": round(score, 4),
            "why": why or [ALONE]}
