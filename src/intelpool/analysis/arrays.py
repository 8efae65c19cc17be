"""Array helpers the analysis needs at a million nodes."""

from __future__ import annotations

from typing import Any

import igraph as ig
import numpy as np
import numpy.typing as npt


def distinct(values: npt.ArrayLike) -> npt.NDArray[Any]:
    """The distinct values of an integer array, ascending: ``np.unique`` without its hash
    table, which took a hundred times as long as sorting a million ids."""
    ordered = np.sort(np.asarray(values).ravel())
    if not len(ordered):
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def runs(values: npt.NDArray[Any]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Start and length of each run of equal values of a sorted array."""
    if not len(values):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    return starts, np.diff(np.append(starts, len(values)))


def components(graph: ig.Graph) -> npt.NDArray[np.int64]:
    """The connected component of each node, numbered as ``Graph.connected_components``
    numbers them, without the clustering object it builds (which walks the membership in
    Python: a third of a second per million nodes)."""
    return np.asarray(ig.GraphBase.connected_components(graph, "weak"), np.int64)


def new_graph(n: int, edges: npt.NDArray[np.int64]) -> ig.Graph:
    """An undirected graph of ``n`` nodes and the (a, b) rows of ``edges``, which ``ends``
    gives back. The edges are added as one array: igraph's constructor walked them at three
    times the cost (a third of a second per million)."""
    made = ig.Graph(n=n)
    if len(edges):
        made.add_edges(edges)
    kept = np.asarray(edges, np.int64).reshape(-1, 2)
    kept.flags.writeable = False
    made.ends = kept  # an attribute of this object only: copies and subgraphs ask igraph
    return made


def ends(graph: ig.Graph) -> npt.NDArray[np.int64]:
    """The (a, b) rows of a graph's edges, in igraph's order: kept by ``new_graph`` or read
    back (a list of a million tuples otherwise)."""
    kept: npt.NDArray[np.int64] | None = getattr(graph, "ends", None)
    if kept is not None:
        return kept
    return np.asarray(graph.get_edgelist(), np.int64).reshape(-1, 2)
