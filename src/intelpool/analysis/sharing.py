"""Selectors two networks share: servers in a hoster's netblock, selectors tied to two actors.

Networks partition the graph, but crime-as-a-service does not: a client's C2 server sits in
its hoster's netblock, an access broker's scanner is reported by one partner as the broker's
and by another as the hoster's. Such selectors are kept from gluing the two networks into
one (their links to netblocks and autonomous systems and their ties to named things do not
count in community detection) and are then listed in each network they belong to, marked
shared.

A netblock or autonomous system that holds addresses no network claims takes them in: the
hoster's range and what was reported inside it are one network, even when nothing else of
the hoster is known.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from intelpool.analysis.arrays import components, distinct, new_graph
from intelpool.analysis.extract import CLUSTER, ENTITY, INSTANCE, OBSERVABLE, REL
from intelpool.analysis.linkgraph import HOLDERS, LinkGraph
from intelpool.analysis.networks import MIN_MEMBERS

IntArray = npt.NDArray[np.int64]
GROUP = 3  # selectors tied to an entity before it counts as a group of its own


def two_actors(lg: LinkGraph) -> npt.NDArray[np.bool_]:
    """Per node: a selector the source data ties to two or more resolved entities that each
    have a group of their own (at least ``GROUP`` selectors). An actor named for one
    selector of an operation is an attribution of it, not a second network."""
    pairs = _ties(lg)
    if not len(pairs):
        return np.zeros(lg.size, bool)
    grouped = np.bincount(pairs[:, 1], minlength=lg.size) >= GROUP
    pairs = pairs[grouped[pairs[:, 1]]]
    return np.bincount(pairs[:, 0], minlength=lg.size) >= 2


def loose_edges(lg: LinkGraph, multi: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Edge rows left out of community detection: netblock and AS links, and the ties of
    selectors shared by two actors to named things."""
    named = (lg.kind == REL) & (multi[lg.a] | multi[lg.b])
    out: npt.NDArray[np.bool_] = held(lg) | named
    return out


def take_in_strays(lg: LinkGraph, piece: IntArray) -> IntArray:
    """``piece`` with every piece too small to be a network that a netblock or autonomous
    system holds (by an uncut link) joined to its holder's piece, where that is no network
    either (a network lists the addresses inside its netblocks already, as ``shared``):
    the first holder's where there are several. Each stray joins one holder, so pieces
    join in trees and two networks are never joined; held links are links of the graph,
    so what is joined is connected."""
    rows = np.flatnonzero(held(lg) & ~lg.cut)
    if not len(rows):
        return piece
    is_obs = (lg.keys % 4) == OBSERVABLE
    selectors = np.bincount(piece[is_obs], minlength=int(piece.max()) + 1)
    stray, holder = piece[lg.a[rows]], piece[lg.b[rows]]
    keep = (selectors[stray] < MIN_MEMBERS) & (selectors[holder] < MIN_MEMBERS) & (stray != holder)
    pairs = np.unique(np.column_stack((stray[keep], holder[keep])), axis=0)
    first = np.flatnonzero(np.diff(pairs[:, 0], prepend=-1) != 0)
    joined = components(new_graph(len(selectors), pairs[first]))
    out: IntArray = joined[piece]
    return out


def shared(lg: LinkGraph, piece: IntArray,
           multi: npt.NDArray[np.bool_]) -> dict[int, IntArray]:
    """Per piece: selectors another piece holds that belong to it too (inside its
    netblocks, or tied to one of its named entities while tied to another actor too)."""
    inside = held(lg) & ~lg.cut
    found = [np.column_stack((piece[lg.b[inside]], lg.a[inside])).astype(np.int64)]
    ties = _ties(lg)
    if len(ties):
        ties = ties[multi[ties[:, 0]]]
        found.append(np.column_stack((piece[ties[:, 1]], ties[:, 0])))
    pairs = np.concatenate(found)
    pairs = pairs[piece[pairs[:, 1]] != pairs[:, 0]]
    if not len(pairs):
        return {}
    pairs = np.unique(pairs, axis=0)
    bounds = np.flatnonzero(np.diff(pairs[:, 0])) + 1
    return {int(group[0, 0]): group[:, 1] for group in np.split(pairs, bounds)}


def guests(lg: LinkGraph, piece: IntArray,
           tenants: dict[int, IntArray]) -> dict[int, IntArray]:
    """Per piece: the shared selectors (``tenants``) that are targets of its own: those
    tied to its named actors. The servers inside its netblocks are its clients' targets."""
    if not tenants:
        return {}
    inside = held(lg) & ~lg.cut
    n = lg.size
    hosted = distinct(piece[lg.b[inside]].astype(np.int64) * n + lg.a[inside])
    owner = np.concatenate([np.full(len(t), p, np.int64) for p, t in tenants.items()])
    nodes = np.concatenate(list(tenants.values()))
    keep = ~np.isin(owner * n + nodes, hosted)
    owner, nodes = owner[keep], nodes[keep]
    bounds = np.flatnonzero(np.diff(owner)) + 1
    return {int(o[0]): part for o, part in zip(np.split(owner, bounds), np.split(nodes, bounds),
                                                strict=True) if len(o)}


def held(lg: LinkGraph) -> npt.NDArray[np.bool_]:
    """Edge rows linking an address to a netblock or autonomous system holding it."""
    out: npt.NDArray[np.bool_] = np.zeros(len(lg.label), bool)
    for label in HOLDERS:
        out |= lg.label == label
    return out


def _ties(lg: LinkGraph) -> IntArray:
    """Distinct (selector node, cluster node) pairs: the selector indicates (or relates
    to) an entity instance resolved into that cluster."""
    kind = lg.keys % 4
    rel = (lg.kind == REL) & ~lg.cut
    a, b = lg.a.astype(np.int64), lg.b.astype(np.int64)
    forward = rel & (kind[a] == OBSERVABLE) & (kind[b] == INSTANCE)
    backward = rel & (kind[b] == OBSERVABLE) & (kind[a] == INSTANCE)
    selector = np.concatenate((a[forward], b[backward]))
    instance = np.concatenate((b[forward], a[backward]))
    resolved = (lg.kind == ENTITY) & (kind[b] == CLUSTER)
    cluster_of = np.full(lg.size, -1, np.int64)
    cluster_of[a[resolved]] = b[resolved]
    cluster = cluster_of[instance]
    keep = cluster >= 0
    if not keep.any():
        return np.zeros((0, 2), np.int64)
    return np.unique(np.column_stack((selector[keep], cluster[keep])), axis=0)
