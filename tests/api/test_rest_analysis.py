"""REST: networks, targets, entities and the link graph, as `intelpool ... --json` gives
them; an operation opened from a proposed network; analysis:run required."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests import factories as f
from tests.analysis.builders import actor, bundle, malware, ring
from tests.api.conftest import Headers, token
from tests.conftest import Store


def _pool(store: Store, tmp: Path) -> dict[str, Headers]:
    with store.begin() as conn:
        viewer = f.member(conn, "Police DE")
        partner = f.member(conn, "Police NL")
        f.member(conn, "Stranger FR")
        f.user(conn, "Police DE", role="reader")
        kivuco = ring("kivuco")
        f.submit_file(conn, viewer, bundle(tmp / "de.json", [(malware("Kivuco"), kivuco[:4])]),
                      tlp="amber")
        f.submit_file(conn, partner, bundle(tmp / "nl.json", [
            (malware("kivuco", aliases=["KivuBot"]), kivuco[2:]),
            (actor("Iron Heron"), [kivuco[0]])]), tlp="green")
    return {"viewer": token(store, viewer.email), "stranger": token(store, "analyst@"
                                                                      "stranger-fr.example"),
            "reader": token(store, "reader@police-de.example")}


def test_a_member_gets_networks_targets_entities_and_the_graph(client: TestClient,
                                                               store: Store,
                                                               tmp_path: Path) -> None:
    who = _pool(store, tmp_path)
    found = client.get("/api/v1/networks", headers=who["viewer"]).json()["networks"]
    [kivuco] = found
    assert {m["value"] for m in kivuco["members"]} == {v for _, v, _ in ring("kivuco")}
    one = client.get(f"/api/v1/networks/{kivuco['id']}", headers=who["viewer"])
    assert one.status_code == 200 and one.json() == kivuco
    targets = client.get("/api/v1/targets", params={"network": kivuco["id"], "top": 2},
                         headers=who["viewer"]).json()["targets"]
    assert [t["rank"] for t in targets] == [1, 2] and all(t["why"] for t in targets)
    entities = client.get("/api/v1/entities", params={"search": "kivubot"},
                          headers=who["viewer"]).json()["entities"]
    assert [sorted(e["names"]) for e in entities] == [["KivuBot", "Kivuco", "kivuco"]]
    graph = client.get("/api/v1/graph", params={"value": "c2-3[.]kivuco-ops.com", "depth": 2},
                       headers=who["viewer"]).json()
    assert graph["center"].endswith("c2-3.kivuco-ops.com") and graph["edges"]
    path = client.get("/api/v1/graph/path", params={"a": "c2-0.kivuco-ops.com",
                                                    "b": "entity:Iron Heron"},
                      headers=who["viewer"]).json()
    assert path["paths"] and all(e["evidence"] for e in path["edges"])
    both = client.get("/api/v1/graph", params={"value": "x.example", "entity": "Kivuco"},
                      headers=who["viewer"])
    assert both.status_code == 422
    opened = client.post("/api/v1/operations", json={"name": "Operation Kivuco",
                                                     "from_network": kivuco["id"]},
                         headers=who["viewer"])
    assert opened.status_code == 201, opened.text
    detail = client.get(f"/api/v1/operations/{opened.json()['id']}",
                        headers=who["viewer"]).json()
    assert {f"{m['type']} {m['value']}" for m in kivuco["members"]} <= {
        t["target"] for t in detail["targets"]}


def test_others_networks_read_like_missing_ones_and_readers_are_refused(
        client: TestClient, store: Store, tmp_path: Path) -> None:
    who = _pool(store, tmp_path)
    [kivuco] = client.get("/api/v1/networks", headers=who["viewer"]).json()["networks"]
    hidden = client.get(f"/api/v1/networks/{kivuco['id']}", headers=who["stranger"])
    missing = client.get("/api/v1/networks/n999999", headers=who["stranger"])
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"]["message"].replace(kivuco["id"], "N") == \
        missing.json()["error"]["message"].replace("n999999", "N")
    assert client.get("/api/v1/targets", params={"network": kivuco["id"]},
                      headers=who["stranger"]).status_code == 404
    for path in ("/api/v1/networks", "/api/v1/entities", "/api/v1/targets"):
        refused = client.get(path, headers=who["reader"])
        assert refused.status_code == 403 and "analysis:run" in refused.text, path
