"""Invariants of the networks proposed from a generated scenario, for every kind of viewer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pytest

from intelpool.analysis import networks
from intelpool.analysis.arrays import components
from intelpool.analysis.linkgraph import build
from intelpool.analysis.pipeline import partition
from intelpool.partners.identity import principal_for_email
from intelpool.scenario.generate import generate
from intelpool.scenario.load import load
from tests.conftest import Store


@pytest.mark.parametrize("seed", [3, 11])
def test_every_proposed_network_is_connected_by_the_viewers_own_links(
        store: Store, tmp_path: Path, seed: int) -> None:
    generate(tmp_path, scale=0.1, seed=seed)
    load(store.engine, tmp_path)
    manifest = orjson.loads((tmp_path / "manifest.json").read_bytes())
    kinds = {p["name"]: p["kind"] for p in manifest["partners"]}
    analysts = {kinds[u["organisation"]]: u["email"] for u in manifest["users"]
                if u["role"] == "analyst"}
    assert {"host", "law-enforcement", "private"} <= set(analysts)
    for email in analysts.values():
        with store.begin() as conn:
            lg = build(conn, principal_for_email(conn, email))
        piece, _ = partition(lg)
        graph = lg.for_communities()
        found = networks.groups(lg, piece)
        assert found
        for nodes in found:
            inside = graph.induced_subgraph(nodes.tolist())
            assert len(np.unique(components(inside))) == 1
