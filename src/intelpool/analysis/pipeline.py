"""From a principal's visible data to its analysis: link graph, entities, networks, targets."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.analysis import attribution, extract, members, networks, sharing, targets
from intelpool.analysis.arrays import distinct, ends
from intelpool.analysis.aside import aside
from intelpool.analysis.extract import CLUSTER, OBSERVABLE
from intelpool.analysis.linkgraph import LinkGraph, build

VERSION = 7  # part of the cache fingerprint: a new algorithm recomputes every analysis
KEPT_TARGETS = 100  # per network: the cache stays small enough to read back at once


def analyse(conn: Connection, principal: Principal) -> tuple[dict[str, Any], LinkGraph]:
    lg = build(conn, principal)
    graph = lg.for_communities()
    piece, multi = partition(lg)
    tenants = sharing.shared(lg, piece, multi)
    none = np.zeros(0, np.int64)
    cohesion = networks.cohesion(graph, piece)
    stat_row = np.full(lg.size, -1, np.int64)
    live = lg.obs_index >= 0
    stat_row[lg.obs_index[live]] = np.flatnonzero(live)
    found = networks.groups(lg, piece)
    # Only the selectors the results name need their type and value read.
    named = stat_row[np.concatenate([none, *found, *tenants.values(),
                                     np.array([node for node, _ in lg.hubs], np.int64)])]
    named = distinct(named[named >= 0])
    # Their roles are read beside the names and the evidence gathered below.
    oids = lg.stats["id"][named].tolist()
    roles = aside(conn, lambda other: members.roles(other, principal, oids))
    members.names(conn, lg.stats, named)
    is_network = np.zeros(len(cohesion), bool)
    is_network[[int(piece[nodes[0]]) for nodes in found]] = True
    evidence = networks.rows_by_piece(piece, lg.a, lg.b, ~lg.cut & is_network[piece[lg.a]])
    links = ends(graph)
    link_rows = networks.rows_by_piece(piece, links[:, 0], links[:, 1],
                                       is_network[piece[links[:, 0]]])
    cids = sorted({int(c) for c in distinct(lg.contribution) if c} |
                  {c for cl in lg.clusters for c in cl.contribution_ids} |
                  {int(k) // 4 for k in lg.keys[(lg.keys % 4) == 3]})
    meta = extract.contribution_meta(conn, principal, cids)
    lg.roles.update(roles())
    described = [(networks.describe(lg, nodes, meta, float(cohesion[piece[nodes[0]]]), stat_row,
                                    tenants.get(int(piece[nodes[0]]), none),
                                    evidence.get(int(piece[nodes[0]]), none)), nodes)
                 for nodes in found]
    described.sort(key=lambda pair: (-pair[0]["size"], pair[0]["id"]))
    newest = float(lg.stats["last"].max()) if len(lg.stats["last"]) else 0.0
    outside = targets.outside_links(lg, graph, piece)
    guests = sharing.guests(lg, piece, tenants)
    ranked: list[dict[str, Any]] = []
    for network, nodes in described:
        p = int(piece[nodes[0]])
        own = link_rows.get(p, none)
        ranked += targets.rank(lg, links[own], network, nodes, stat_row, newest,
                               outside, guests.get(p, none))[:KEPT_TARGETS]
    result = {
        "version": VERSION,
        "networks": [n for n, _ in described],
        "targets": ranked,
        "entities": [_entity(cl, meta) for cl in lg.clusters],
        "hubs_cut": _hubs(lg, stat_row),
        "warninglisted": int(lg.stats["warned"].sum()),
    }
    return result, lg


def partition(lg: LinkGraph) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """The piece of each node (a network where it holds enough selectors), and which
    selectors two actors share. Such selectors (a client's server in its hoster's netblock,
    a scanner two partners file under two actors) must not glue two networks: they are
    left out of the community detection's links and listed in both networks after it."""
    multi = sharing.two_actors(lg)
    piece = networks.communities(lg.for_communities(sharing.loose_edges(lg, multi)))
    return sharing.take_in_strays(lg, attribution.join_attributed(lg, piece, multi)), multi


def _entity(cluster: Any, meta: dict[int, extract.ContributionMeta]) -> dict[str, Any]:
    cids = [c for c in cluster.contribution_ids if c in meta]
    return {"kind": cluster.kind, "name": cluster.name, "names": cluster.names,
            "attack_ids": cluster.attack_ids, "contributions": cids,
            "partners": sorted({meta[c].originator for c in cids})}


def _hubs(lg: LinkGraph, stat_row: np.ndarray[Any, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node, degree in lg.hubs:
        key = int(lg.keys[node])
        if key % 4 == OBSERVABLE:
            row = int(stat_row[node])
            out.append({"type": str(lg.stats["type"][row]), "value": str(lg.stats["value"][row]),
                        "links": degree})
        elif key % 4 == CLUSTER:
            cluster = lg.clusters[key // 4]
            out.append({"kind": "entity", "name": cluster.name, "links": degree})
    return out
