"""One viewer's link graph: nodes and typed edges as numpy columns, weighted by specificity.

Selectors, entity instances (an entity as one contribution states it), resolved entity
clusters and small contributions are nodes. Weights say how specific a link is: a record of
few selectors weighs more than a long one, a small file's co-listing is weak evidence, and a
node linked to very many others (shared hosting, a CDN, a popular service) weighs little;
beyond ``HUB_DEGREE`` distinct neighbours its links are cut, and the output says so.
Warninglisted selectors are no nodes at all: they never link anything.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

import igraph as ig
import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.analysis import asn, extract, observed, selector_stats
from intelpool.analysis.arrays import distinct, new_graph
from intelpool.analysis.aside import aside
from intelpool.analysis.colisted import colisted_edges
from intelpool.analysis.extract import CLUSTER, ENTITY, INSTANCE, OBSERVABLE
from intelpool.analysis.resolve import Cluster, resolve

HUB_DEGREE = 250
IN_CIDR = "in CIDR"  # the derived link of an address to a netblock holding it
# Links of an address to what holds it (a netblock, an autonomous system): a hoster's.
HOLDERS = (IN_CIDR, asn.IN_ASN)
# Past this many distinct neighbours a selector's links start to weigh less.
SPECIFIC_DEGREE = 25


@dataclass(slots=True)
class LinkGraph:
    keys: npt.NDArray[np.int64]  # sorted node keys (id * 4 + kind)
    a: npt.NDArray[np.int32]  # edge ends as node indexes, one row per piece of evidence
    b: npt.NDArray[np.int32]
    kind: npt.NDArray[np.int8]
    label: npt.NDArray[Any]  # relationship type or derivation, per edge row
    contribution: npt.NDArray[np.int64]  # evidence (0: derived from the values)
    weight: npt.NDArray[np.float64]
    cut: npt.NDArray[np.bool_]  # the row touches a hub and is left out of networks
    stats: dict[str, npt.NDArray[Any]]  # per observable node, aligned with obs_index
    obs_index: npt.NDArray[np.int64]  # node index of each row of stats (-1: warninglisted)
    roles: dict[int, str]  # of the selectors the results name (``pipeline``)
    clusters: list[Cluster]
    hubs: list[tuple[int, int]]  # (node index, distinct neighbours) of every hub cut

    @property
    def size(self) -> int:
        return len(self.keys)

    def index_of(self, key: int) -> int | None:
        i = int(np.searchsorted(self.keys, key))
        return i if i < len(self.keys) and self.keys[i] == key else None

    def for_communities(self, loose: npt.NDArray[np.bool_] | None = None) -> ig.Graph:
        """Undirected, parallel evidence summed into one weight, hub links (and the
        ``loose`` edge rows) left out."""
        keep = ~self.cut if loose is None else ~self.cut & ~loose
        return _simple(self.size, self.a[keep], self.b[keep], self.weight[keep])

    def dump(self) -> bytes:
        """The graph as ``np.load`` reads it (an ``.npz``), deflated at the fastest level:
        numpy's default level took five times as long at 1M selectors for 9% less."""
        arrays: dict[str, npt.NDArray[Any]] = {
            "keys": self.keys, "a": self.a, "b": self.b, "kind": self.kind,
            "label": self.label.astype(str), "contribution": self.contribution,
            "weight": self.weight, "cut": self.cut}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for name, array in arrays.items():
                with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)
        return buffer.getvalue()


def _simple(n: int, a: npt.NDArray[Any], b: npt.NDArray[Any],
            w: npt.NDArray[np.float64]) -> ig.Graph:
    lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    pair, inverse = np.unique(lo * n + hi, return_inverse=True)
    summed = np.bincount(inverse, weights=w, minlength=len(pair))
    graph = new_graph(n, np.column_stack((pair // n, pair % n)))
    graph.es["weight"] = summed.tolist()
    return graph


def build(conn: Connection, principal: Principal) -> LinkGraph:
    """The principal's link graph, from visible contributions only."""
    # The reads mostly inside SQLite go beside those mostly in Python and numpy.
    later = aside(conn, lambda other: _linked(other, principal))
    seen = selector_stats.observed(conn, principal)
    stats = selector_stats.node_stats(conn, principal, seen)
    together = [*extract.together_edges(conn, principal),
                *observed.together_edges(conn, principal)]
    listed = colisted_edges(conn, principal, seen["id"], seen["contribution"])
    ents = extract.entity_rows(conn, principal)
    related, derived, rows = later()
    stated = [*together, *derived]
    clusters = resolve(ents)
    contribution_of = {e.id: e.contribution_id for e in ents}
    for cluster in clusters:
        for eid in cluster.entity_ids:
            rows.append((eid * 4 + INSTANCE, cluster.index * 4 + CLUSTER, ENTITY,
                         "resolved as", contribution_of[eid], 1.0))
    raw = extract.concat([related, extract.columns(stated), listed, extract.columns(rows)])
    live = stats["warned"] == 0
    node_keys = np.concatenate([
        stats["id"][live] * 4 + OBSERVABLE,
        np.array([e.id * 4 + INSTANCE for e in ents], np.int64),
        np.arange(len(clusters), dtype=np.int64) * 4 + CLUSTER,
        distinct(raw.b[raw.kind == extract.SAME]),
    ])
    keys = distinct(node_keys)
    ok = np.isin(raw.a, keys) & np.isin(raw.b, keys) & (raw.a != raw.b)
    a = np.searchsorted(keys, raw.a[ok]).astype(np.int32)
    b = np.searchsorted(keys, raw.b[ok]).astype(np.int32)
    weight = raw.weight[ok]
    labels = np.array(raw.label, dtype=object)[ok]
    cut, hubs, weight = _hubs(keys, a, b, weight)
    obs_index = np.full(len(stats["id"]), -1, np.int64)
    obs_index[live] = np.searchsorted(keys, stats["id"][live] * 4)
    return LinkGraph(keys, a, b, raw.kind[ok], labels, raw.contribution[ok], weight, cut,
                     stats, obs_index, {}, clusters, hubs)


def _linked(conn: Connection, principal: Principal) -> tuple[extract.RawEdges, list[Any],
                                                             list[Any]]:
    """The stated relationships, the links derived from values and autonomous systems, and
    the co-listings of small contributions."""
    return (extract.relationship_edges(conn, principal),
            [*extract.derived_edges(conn, principal), *asn.asn_edges(conn, principal)],
            extract.contribution_edges(conn, principal))


def _hubs(keys: npt.NDArray[np.int64], a: npt.NDArray[np.int32], b: npt.NDArray[np.int32],
          weight: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.bool_], list[tuple[int, int]],
                                                   npt.NDArray[np.float64]]:
    """Distinct neighbours per node; selectors and clusters past HUB_DEGREE are cut, and
    links of well-connected selectors weigh less (``1/sqrt(degree / SPECIFIC_DEGREE)``)."""
    n = len(keys)
    lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    pairs = distinct(lo * n + hi)
    degree = np.bincount(np.concatenate((pairs // n, pairs % n)), minlength=n)
    kind = keys % 4
    can_hub = (kind == OBSERVABLE) | (kind == CLUSTER)
    hub = can_hub & (degree > HUB_DEGREE)
    cut = hub[a] | hub[b]
    damp = np.where(can_hub & (degree > SPECIFIC_DEGREE),
                    1 / np.sqrt(np.maximum(degree, 1) / SPECIFIC_DEGREE), 1.0)
    hubs = [(int(i), int(degree[i])) for i in np.flatnonzero(hub)]
    return cut, hubs, weight * damp[a] * damp[b]


