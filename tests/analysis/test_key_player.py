"""Key-player ranking and community invariants on small hand-built graphs (no store)."""

from __future__ import annotations

import igraph as ig
import numpy as np

from intelpool.analysis import networks, targets
from intelpool.analysis.linkgraph import LinkGraph


def _graph(edges: list[tuple[int, int]], n: int) -> tuple[LinkGraph, ig.Graph]:
    """``n`` selectors (ids 1..n) equal in every respect but their links."""
    a = np.array([e[0] for e in edges], np.int32)
    b = np.array([e[1] for e in edges], np.int32)
    stats = {"id": np.arange(1, n + 1, dtype=np.int64), "partners": np.ones(n, np.int32),
             "sightings": np.ones(n, np.int32), "evaluation": np.full(n, 0.5, np.float32),
             "first": np.zeros(n), "last": np.zeros(n), "warned": np.zeros(n, np.int8),
             "type": np.array(["ipv4"] * n, dtype=object),
             "value": np.array([f"192.0.2.{i + 1}" for i in range(n)], dtype=object)}
    lg = LinkGraph(np.arange(1, n + 1, dtype=np.int64) * 4, a, b, np.zeros(len(a), np.int8),
                   np.array(["indicates"] * len(a), dtype=object), np.ones(len(a), np.int64),
                   np.ones(len(a)), np.zeros(len(a), bool), stats, np.arange(n, dtype=np.int64),
                   {}, [], [])
    return lg, lg.for_communities()


def test_the_bridge_between_two_groups_ranks_first_not_the_best_connected() -> None:
    # Two dense groups of eight (0-4 with 11-13, 6-10 with 14-16) joined only through
    # selector 5; selectors 0 and 10 have the most links, but removing them fragments
    # nothing, and removing 4 or 6 cuts off less than removing 5.
    left = [(i, j) for i in range(5) for j in range(i + 1, 5)]
    right = [(i, j) for i in range(6, 11) for j in range(i + 1, 11)]
    extra = [(0, 11), (0, 12), (0, 13), (11, 12), (12, 13), (11, 13),
             (10, 14), (10, 15), (10, 16), (14, 15), (15, 16), (14, 16)]
    lg, graph = _graph([*left, *right, *extra, (4, 5), (5, 6)], 17)
    nodes = np.arange(17, dtype=np.int64)
    links = np.asarray(graph.get_edgelist(), np.int64)
    ranked = targets.rank(lg, links, {"id": "N1"}, nodes, np.arange(17, dtype=np.int64), 0.0,
                          np.zeros(17, np.int64))
    assert ranked[0]["value"] == "192.0.2.6"
    assert "bridges parts of the network" in ranked[0]["why"][0]
    assert [t["rank"] for t in ranked] == list(range(1, 18))


def test_proposed_networks_are_never_internally_disconnected() -> None:
    # Two triangles with no link between them stay two pieces whatever the partition says.
    lg, graph = _graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)], 6)
    piece = networks.communities(graph)
    assert piece[0] == piece[1] == piece[2] != piece[3] == piece[4] == piece[5]
    assert [len(g) for g in networks.groups(lg, piece)] == [3, 3]
