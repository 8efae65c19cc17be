"""Neighbourhoods and evidence paths on a viewer's cached link graph.

Entity instances are shown as the resolved entity they belong to; a small contribution
whose selectors are linked by being listed together is shown as a node of its own. Hubs
are shown but not walked through: their links were cut for being unspecific.
"""

from __future__ import annotations

import io
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from intelpool.analysis.extract import (
    CLUSTER,
    CONTRIBUTION,
    EDGE_TYPES,
    ENTITY,
    INSTANCE,
    OBSERVABLE,
)


@dataclass(slots=True)
class Explorer:
    keys: npt.NDArray[np.int64]  # display node keys (instances folded into clusters)
    a: npt.NDArray[np.int64]
    b: npt.NDArray[np.int64]
    kind: npt.NDArray[np.int8]
    label: npt.NDArray[Any]
    contribution: npt.NDArray[np.int64]
    hub: npt.NDArray[np.bool_]
    indptr: npt.NDArray[np.int64]
    neighbours: npt.NDArray[np.int64]

    @classmethod
    def load(cls, blob: bytes) -> Explorer:
        data = np.load(io.BytesIO(blob), allow_pickle=False)
        keys, a, b, kind = data["keys"], data["a"].astype(np.int64), data["b"].astype(
            np.int64), data["kind"]
        cut = data["cut"]
        # Fold each entity instance into its cluster (the 'resolved as' edges say which).
        target = np.arange(len(keys), dtype=np.int64)
        resolved = kind == ENTITY
        target[a[resolved]] = b[resolved]
        a, b = target[a], target[b]
        keep = (a != b) & ~resolved
        hub = np.zeros(len(keys), bool)
        hub[np.concatenate((a[keep & cut], b[keep & cut]))] = True
        hub &= ((keys % 4) == OBSERVABLE) | ((keys % 4) == CLUSTER)
        a, b = a[keep], b[keep]
        ends = np.concatenate((a, b))
        others = np.concatenate((b, a))
        order = np.argsort(ends, kind="stable")
        indptr = np.zeros(len(keys) + 1, np.int64)
        np.cumsum(np.bincount(ends, minlength=len(keys)), out=indptr[1:])
        return cls(keys, a, b, kind[keep], data["label"][keep], data["contribution"][keep],
                   hub, indptr, others[order])

    def node(self, key: int) -> int | None:
        i = int(np.searchsorted(self.keys, key))
        return i if i < len(self.keys) and self.keys[i] == key else None

    def around(self, start: int, depth: int, limit: int) -> tuple[dict[int, int], bool]:
        """Nodes within ``depth`` links of ``start`` (node -> distance), nearest first."""
        dist = {start: 0}
        queue = deque([start])
        truncated = False
        while queue:
            v = queue.popleft()
            if dist[v] >= depth or (self.hub[v] and v != start):
                continue
            for u in np.unique(self.neighbours[self.indptr[v]:self.indptr[v + 1]]).tolist():
                if u in dist:
                    continue
                if len(dist) >= limit:
                    truncated = True
                    break
                dist[u] = dist[v] + 1
                queue.append(u)
        return dist, truncated

    def paths(self, start: int, goal: int, max_hops: int, most: int = 10) -> list[list[int]]:
        """Shortest paths (up to ``most``) of at most ``max_hops`` links, not via hubs."""
        parents: dict[int, list[int]] = {start: []}
        level = [start]
        for _ in range(max_hops):
            nxt: dict[int, list[int]] = {}
            for v in level:
                if self.hub[v] and v != start:
                    continue
                for u in np.unique(self.neighbours[self.indptr[v]:self.indptr[v + 1]]).tolist():
                    if u not in parents:
                        nxt.setdefault(u, []).append(v)
            parents.update(nxt)
            if goal in nxt or not nxt:
                break
            level = sorted(nxt)
        if goal not in parents or goal == start:
            return []
        out: list[list[int]] = []

        def walk(v: int, tail: list[int]) -> None:
            if len(out) >= most:
                return
            if v == start:
                out.append([start, *tail])
                return
            for p in parents[v]:
                walk(p, [v, *tail])

        walk(goal, [])
        return out

    def edges_among(self, nodes: set[int]) -> list[dict[str, Any]]:
        """Every piece of evidence linking two of ``nodes``, grouped per pair and type."""
        inside = np.isin(self.a, list(nodes)) & np.isin(self.b, list(nodes))
        grouped: dict[tuple[int, int, str, str], set[int]] = {}
        for i in np.flatnonzero(inside).tolist():
            u, v = sorted((int(self.a[i]), int(self.b[i])))
            key = (u, v, EDGE_TYPES[int(self.kind[i])], str(self.label[i]))
            grouped.setdefault(key, set())
            if int(self.contribution[i]):
                grouped[key].add(int(self.contribution[i]))
        return [{"source": u, "target": v, "type": t, "label": lbl,
                 "contributions": sorted(c)} for (u, v, t, lbl), c in sorted(grouped.items())]


def node_kind(key: int) -> str:
    return {OBSERVABLE: "selector", INSTANCE: "entity", CLUSTER: "entity",
            CONTRIBUTION: "contribution"}[key % 4]
