"""What joins pieces community detection leaves apart: an attribution to one actor, and a
netblock holding addresses no network claims."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from intelpool.analysis import attribution, service
from intelpool.analysis.extract import CLUSTER, ENTITY, INSTANCE, REL, TOGETHER
from intelpool.analysis.linkgraph import LinkGraph
from intelpool.analysis.resolve import Cluster
from intelpool.scenario.finance import iban
from tests import factories as f
from tests.analysis.builders import actor, bundle
from tests.conftest import Store

MEMBERS = [f"runner{i}@mule-desk-ops.net" for i in range(3)]


def _ring(tmp: Path) -> Path:
    """A phishing ring whose members the data attributes to its actor."""
    phishing = [("domain", f"secure-login-{i}.bank-verify-paleheron.com", "phishing-domain")
                for i in range(45)]
    members = [("email", m, "member") for m in MEMBERS]
    return bundle(tmp / "ring.json", [(actor("Pale Heron"), [*phishing, *members])])


def _mules(tmp: Path, accounts: int = 30) -> Path:
    """A payments sheet: mule accounts and the member running each."""
    rows = [f"{iban('DE', '37040044', str(532013000 + i))},{MEMBERS[i % len(MEMBERS)]}"
            for i in range(accounts)]
    path = tmp / "payments.csv"
    path.write_text("iban,email\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_the_money_side_the_data_attributes_to_an_actor_is_the_actors_network(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        viewer = f.member(conn, "Police DE")
        f.submit_file(conn, viewer, _ring(tmp_path))
        f.submit_file(conn, viewer, _mules(tmp_path))
        found = service.networks(conn, viewer)["networks"]
    assert len(found) == 1
    values = {m["value"] for m in found[0]["members"]}
    assert set(MEMBERS) <= values and sum(v.startswith("DE") for v in values) == 30


def test_a_netblock_and_the_addresses_no_network_claims_are_one_network(
        store: Store, tmp_path: Path) -> None:
    hosted = [f"45.137.21.{i}" for i in (9, 10, 11)]

    def filler(n: int) -> list[str]:
        return [f"unrelated-{i}.list-{n}.net" for i in range(40)]

    with store.begin() as conn:
        viewer = f.member(conn, "Bank Aurelia")
        # Feeds: nothing but the values says the addresses are inside the netblock.
        f.submit_lines(conn, viewer, tmp_path, ["45.137.21.0/24", *filler(1)])
        f.submit_lines(conn, viewer, tmp_path, [*hosted, *filler(2)])
        f.submit_lines(conn, viewer, tmp_path, ["45.137.22.7", *filler(3)])
        found = service.networks(conn, viewer)["networks"]
    assert [sorted(m["value"] for m in n["members"]) for n in found] == [
        sorted(["45.137.21.0/24", *hosted])]
    assert not any(m.get("shared") for m in found[0]["members"])


def _graph(edges: list[tuple[int, int, int]], clusters: list[Cluster]) -> LinkGraph:
    """A link graph of the given (a, b, edge type) rows between node keys, weight 1 each."""
    keys = np.array(sorted({k for a, b, _ in edges for k in (a, b)}), np.int64)
    a = np.searchsorted(keys, [e[0] for e in edges]).astype(np.int32)
    b = np.searchsorted(keys, [e[1] for e in edges]).astype(np.int32)
    n = len(edges)
    return LinkGraph(keys, a, b, np.array([e[2] for e in edges], np.int8),
                     np.array(["x"] * n, object), np.ones(n, np.int64), np.ones(n),
                     np.zeros(n, bool), {}, np.zeros(0, np.int64), {}, clusters, [])


def test_a_piece_joins_the_actor_it_is_built_around_not_one_its_stray_names() -> None:
    actor_cluster, instance = 0 * 4 + CLUSTER, 1 * 4 + INSTANCE
    ring = [10 * 4, 11 * 4, 12 * 4]
    botnet = [(20 + i) * 4 for i in range(8)]
    money = [30 * 4, 31 * 4, 32 * 4]  # a member (the first) and two accounts
    edges = [(instance, actor_cluster, ENTITY), *[(s, instance, REL) for s in ring],
             *[(botnet[0], s, TOGETHER) for s in botnet[1:]],
             *[(botnet[i], botnet[i + 1], TOGETHER) for i in range(1, 7)],
             (botnet[7], instance, REL),  # one stray of the botnet names the actor
             (money[0], money[1], REL), (money[0], money[2], REL), (money[0], instance, REL)]
    lg = _graph(edges, [Cluster(0, "threat-actor", "Pale Heron", ["Pale Heron"], [1], [1])])
    index = {int(k): i for i, k in enumerate(lg.keys)}
    piece = np.zeros(lg.size, np.int64)
    piece[[index[k] for k in botnet]] = 1
    piece[[index[k] for k in money]] = 2
    joined = attribution.join_attributed(lg, piece, np.zeros(lg.size, bool))
    assert joined[index[money[1]]] == joined[index[ring[0]]]
    assert joined[index[botnet[0]]] != joined[index[ring[0]]]
    lg.clusters[0] = Cluster(0, "malware", "Kivuco", ["Kivuco"], [1], [1])
    unjoined = attribution.join_attributed(lg, piece, np.zeros(lg.size, bool))
    assert unjoined[index[money[1]]] != unjoined[index[ring[0]]]  # a family is no actor
