"""Pieces the source data attributes to one actor join that actor's network.

Community detection weighs links only: a fraud ring's money side (mule accounts run by
members, the leader's cash-out wallets) hangs off its phishing side by the few links that
say the members and the leader are the ring's named actor, and modularity cuts it off as a
group of its own. An attribution is the strongest statement a partner makes, though: a
piece holding no actor of its own, whose selectors the data attributes to actors of exactly
one other piece, is part of that piece's network. A piece tied to actors of two pieces
stays apart (whose is it?), and two pieces that each hold an actor are never joined.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from intelpool.analysis.arrays import components, new_graph
from intelpool.analysis.extract import CLUSTER, ENTITY, INSTANCE, OBSERVABLE, REL
from intelpool.analysis.linkgraph import LinkGraph

IntArray = npt.NDArray[np.int64]
# Entity kinds that name who did it; a malware family or a tool can serve many actors.
ACTORS = frozenset({"threat-actor", "intrusion-set", "persona"})


def actor_nodes(lg: LinkGraph) -> npt.NDArray[np.bool_]:
    """Per node: an actor's resolved cluster, or an instance resolved into one."""
    kind = lg.keys % 4
    out = np.zeros(lg.size, bool)
    clusters = np.flatnonzero(kind == CLUSTER)
    out[clusters] = [lg.clusters[int(k) // 4].kind in ACTORS for k in lg.keys[clusters]]
    resolved = (lg.kind == ENTITY) & (kind[lg.a] == INSTANCE) & (kind[lg.b] == CLUSTER)
    out[lg.a[resolved]] = out[lg.b[resolved]]
    return out


def join_attributed(lg: LinkGraph, piece: IntArray,
                    multi: npt.NDArray[np.bool_]) -> IntArray:
    """``piece`` with each actorless piece whose selectors are tied (by uncut stated
    relationships) to actors of exactly one other piece joined to it. Selectors tied to
    two actors (``multi``) attribute nothing: their ties are left out of communities."""
    actor = actor_nodes(lg)
    kind = lg.keys % 4
    rel = (lg.kind == REL) & ~lg.cut
    a, b = lg.a.astype(np.int64), lg.b.astype(np.int64)
    forward = rel & (kind[a] == OBSERVABLE) & actor[b] & ~multi[a]
    backward = rel & (kind[b] == OBSERVABLE) & actor[a] & ~multi[b]
    selector = np.concatenate((a[forward], b[backward]))
    named = np.concatenate((b[forward], a[backward]))
    if not len(selector):
        return piece
    n = int(piece.max()) + 1
    has_actor = np.bincount(piece[actor], minlength=n) > 0
    own, their = piece[selector], piece[named]
    keep = ~has_actor[own] & (own != their)
    pairs = np.unique(np.column_stack((own[keep], their[keep])), axis=0)
    one = np.bincount(pairs[:, 0], minlength=n) == 1
    attributed = np.zeros(lg.size, bool)
    attributed[selector[keep]] = True
    pairs = pairs[one[pairs[:, 0]] & _built_around(lg, piece, attributed, n)[pairs[:, 0]]]
    joined: IntArray = components(new_graph(n, pairs))[piece]
    return joined


def _built_around(lg: LinkGraph, piece: IntArray, attributed: npt.NDArray[np.bool_],
                  n: int) -> npt.NDArray[np.bool_]:
    """Per piece: whether at least half its selectors are ``attributed`` or linked to one
    that is. A money side is built around the members and the leader the data names (each
    account is tied to one of them); one phishing domain a botnet's piece took in says
    nothing of the botnet."""
    a, b = lg.a, lg.b
    inside = ~lg.cut & (piece[a] == piece[b])
    near = attributed.copy()
    near[a[inside & attributed[b]]] = True
    near[b[inside & attributed[a]]] = True
    is_obs = (lg.keys % 4) == OBSERVABLE
    selectors = np.bincount(piece[is_obs], minlength=n)
    close = np.bincount(piece[is_obs & near], minlength=n)
    out: npt.NDArray[np.bool_] = close * 2 >= selectors
    return out
