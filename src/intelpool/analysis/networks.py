"""Proposed criminal networks: Leiden communities of the weighted link graph.

Leiden (igraph's own, in its C core) finds communities that are connected by construction;
each community is still split into its connected pieces, so a proposed network is never
internally disconnected whatever the method's guarantees. A network's id derives from its
smallest member, so it stays the same while the viewer's data does.
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
from collections import Counter
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import igraph as ig
import numpy as np
import numpy.typing as npt

from intelpool.analysis.arrays import components, ends, new_graph
from intelpool.analysis.extract import (
    CLUSTER,
    EDGE_TYPES,
    OBSERVABLE,
    ContributionMeta,
)
from intelpool.analysis.linkgraph import LinkGraph

MIN_MEMBERS = 3  # selectors; smaller groups are pairs of reports, not networks
SEED = 20240501
# Modularity's resolution: above 1 favours smaller, tighter groups, so a supplier shared by
# several clients (a hoster, a crypter) is less likely to fuse them into one network. The
# smallest community modularity can resolve grows with the square root of the graph's total
# weight, so the resolution grows with it past REFERENCE_WEIGHT: an operation of a given
# size stays resolvable in a larger pool. The square root alone still merged operations
# at a million selectors; a power of RESOLUTION_GROWTH keeps them apart there and changes
# little below. Tuned on generated scenarios of several seeds and scales
# (benchmarks/analysis.py).
RESOLUTION = 2.0
REFERENCE_WEIGHT = 3400.0
RESOLUTION_GROWTH = 0.7
WHOLE_UP_TO = 40  # nodes of a connected group that is never split


def communities(graph: ig.Graph) -> npt.NDArray[np.int64]:
    """A connected piece id per node: Leiden communities split into connected pieces."""
    if graph.vcount() == 0:
        return np.zeros(0, np.int64)
    # Isolated nodes are their own communities: Leiden runs on the linked part alone.
    linked = np.flatnonzero(np.asarray(graph.degree()) > 0)
    membership = np.arange(graph.vcount(), dtype=np.int64) + graph.vcount()
    if len(linked):
        part = graph.induced_subgraph(linked.tolist())
        weight = float(sum(part.es["weight"]))
        resolution = RESOLUTION * max(1.0, weight / REFERENCE_WEIGHT) ** RESOLUTION_GROWTH
        membership[linked] = _leiden(part, resolution)
    # A small connected group is one network as it stands: modularity's null model means
    # little on a handful of nodes and would cut an operation from its own named actor.
    whole = components(graph)
    sizes = np.bincount(whole)
    small = sizes[whole] <= WHOLE_UP_TO
    membership[small] = 2 * graph.vcount() + whole[small]
    edges = ends(graph)
    inside = edges[membership[edges[:, 0]] == membership[edges[:, 1]]]
    return components(new_graph(graph.vcount(), inside))


_IGRAPH_RNG = threading.Lock()


def _leiden(graph: ig.Graph, resolution: float) -> npt.NDArray[np.int64]:
    """Leiden communities maximising modularity at ``resolution`` (the configuration model's
    objective: leidenalg's RBConfiguration took ten times as long at a million selectors).
    igraph draws from the generator it is given, here one seeded afresh, so a graph gets
    the same communities in every run and process; its default (Python's) is put back after.
    The generator is igraph's, for the whole process: one analysis at a time holds it, or
    a second thread's would reseed or replace it mid-run (the API serves from threads)."""
    with _IGRAPH_RNG:
        ig.set_random_number_generator(random.Random(SEED))
        try:
            membership, _ = ig.GraphBase.community_leiden(
                graph, edge_weights="weight", resolution=resolution, normalize_resolution=True,
                beta=0.01, n_iterations=3)
        finally:
            ig.set_random_number_generator(random)
    return np.asarray(membership, np.int64)


def groups(lg: LinkGraph, piece: npt.NDArray[np.int64]) -> list[npt.NDArray[np.int64]]:
    """Node indexes of each piece holding at least MIN_MEMBERS selectors."""
    if len(piece) == 0:
        return []
    is_obs = (lg.keys % 4) == OBSERVABLE
    counts = np.bincount(piece[is_obs], minlength=int(piece.max()) + 1)
    # Only the pieces kept are split out: most pieces are single nodes.
    kept = counts[piece] >= MIN_MEMBERS
    nodes = np.flatnonzero(kept)
    order = nodes[np.argsort(piece[nodes], kind="stable")]
    bounds = np.flatnonzero(np.diff(piece[order])) + 1
    return np.split(order, bounds) if len(order) else []


def rows_by_piece(piece: npt.NDArray[np.int64], a: npt.NDArray[Any], b: npt.NDArray[Any],
                  keep: npt.NDArray[np.bool_]) -> dict[int, npt.NDArray[np.int64]]:
    """Per piece: the rows of the (``keep``) links ``a``-``b`` with both ends inside it, found
    in one pass over the links rather than one per network."""
    rows = np.flatnonzero(keep & (piece[a] == piece[b]))
    if not len(rows):
        return {}
    owner = piece[a[rows]]
    order = np.argsort(owner, kind="stable")
    rows, owner = rows[order], owner[order]
    bounds = np.flatnonzero(np.diff(owner)) + 1
    starts = np.concatenate(([0], bounds))
    return {int(owner[s]): part for s, part in zip(starts, np.split(rows, bounds), strict=True)}


def network_id(first_member: str) -> str:
    return "N" + hashlib.sha1(first_member.encode()).hexdigest()[:10]


def describe(lg: LinkGraph, nodes: npt.NDArray[np.int64], meta: dict[int, ContributionMeta],
             cohesive: float, stat_row: npt.NDArray[np.int64],
             tenants: npt.NDArray[np.int64], inside: npt.NDArray[np.int64]) -> dict[str, Any]:
    """One network as its JSON: members (with the ``tenants``, servers of other networks
    inside its netblocks, marked ``shared``), entities, themes, partners, hits, cohesion,
    why. ``inside`` are the rows of the evidence linking its nodes (hub links left out)."""
    kinds = lg.keys[nodes] % 4
    members = _members(lg, stat_row[nodes[kinds == OBSERVABLE]])
    members.sort(key=lambda m: (m["type"], m["value"]))
    first = members[0]
    shared = [member | {"shared": True} for member in _members(lg, stat_row[tenants])]
    members = sorted(members + shared, key=lambda m: (m["type"], m["value"]))
    clusters = [lg.clusters[int(k) // 4] for k in lg.keys[nodes[kinds == CLUSTER]]]
    keys = lg.keys[nodes]
    cids = sorted((set(lg.contribution[inside].tolist()) - {0}) |
                  set((keys[keys % 4 == 3] // 4).tolist()) |
                  {c for cl in clusters for c in cl.contribution_ids})
    seen = [meta[c] for c in cids if c in meta]
    partners = sorted({m.originator for m in seen})
    themes = Counter(t for m in seen for t in m.themes)
    links = Counter(EDGE_TYPES[k] for k in lg.kind[inside].tolist())
    hits = [m for m in members if m["partners"] > 1]
    began = min((m["first_seen"] for m in members if m["first_seen"]), default=None)
    last = max((m["last_seen"] for m in members if m["last_seen"]), default=None)
    network = {
        "id": network_id(f"{first['type']}:{first['value']}"),
        "size": len(members),
        "members": members,
        "entities": [{"kind": c.kind, "name": c.name, "names": c.names} for c in clusters],
        "themes": [t for t, _ in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))],
        "first_seen": began, "last_seen": last,
        "partners": partners,
        "contributions": [c for c in cids if c in meta],
        "hits": [{"type": m["type"], "value": m["value"], "partners": m["partners"]}
                 for m in hits],
        "cohesion": float(cohesive),
        "links": dict(sorted(links.items())),
    }
    network["why"] = _why(network, links)
    return network


def _members(lg: LinkGraph, rows: npt.NDArray[np.int64]) -> list[dict[str, Any]]:
    """Members as their JSON, from the given rows of the statistics: each column is taken
    out once for all of them rather than a value at a time."""
    s = lg.stats
    columns = zip(s["id"][rows].tolist(), s["type"][rows].tolist(), s["value"][rows].tolist(),
                  s["partners"][rows].tolist(), s["sightings"][rows].tolist(),
                  s["first"][rows].tolist(), s["last"][rows].tolist(), strict=True)
    return [{"type": str(kind), "value": str(value), "role": lg.roles.get(oid),
             "partners": partners, "sightings": sightings,
             "first_seen": _day(first), "last_seen": _day(last)}
            for oid, kind, value, partners, sightings, first, last in columns]


def _day(stamp: float) -> str | None:
    return _day_text(math.floor(stamp / 86400)) if stamp else None


@lru_cache(maxsize=65536)
def _day_text(days: int) -> str:
    """The UTC day ``days`` after 1970-01-01, written once per day: a million-selector pool
    has members on a few thousand days but a hundred thousand first and last sightings."""
    return (_EPOCH + timedelta(days=days)).isoformat()


_EPOCH = date(1970, 1, 1)


def cohesion(graph: ig.Graph, piece: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Per piece: the share of its members' link weight that stays inside it (0..1)."""
    if graph.vcount() == 0:
        return np.zeros(0)
    edges = ends(graph)
    weight = np.asarray(graph.es["weight"], np.float64)
    a, b = piece[edges[:, 0]], piece[edges[:, 1]]
    n = int(piece.max()) + 1
    inner = np.bincount(a[a == b], weights=weight[a == b], minlength=n) * 2
    total = np.bincount(a, weights=weight, minlength=n) + np.bincount(b, weights=weight,
                                                                      minlength=n)
    share: npt.NDArray[np.float64] = np.divide(inner, total, out=np.zeros(n), where=total > 0)
    return np.round(share, 3)


def _why(network: dict[str, Any], links: Counter[str]) -> list[str]:
    parts = [f"{n} {kind} link{'s' if n != 1 else ''}" for kind, n in links.most_common(3)]
    names = ", ".join(e["name"] for e in network["entities"][:3])
    sentences = [
        f"{network['size']} selectors held together by {', '.join(parts) or 'no links'}, "
        f"drawing on {len(network['contributions'])} contribution(s) from "
        f"{len(network['partners'])} partner(s).",
    ]
    if names:
        sentences.append(f"The source data ties them to {names}.")
    if network["hits"]:
        sentences.append(f"{len(network['hits'])} of its selectors are reported by more than "
                         "one partner, joining their views into one picture.")
    return sentences
