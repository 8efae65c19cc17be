"""REST: hits, access requests, deconfliction, scores, notifications and the audit trail."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests import factories as f
from tests.api.conftest import World, token
from tests.conftest import Store


def _hidden_hit(client: TestClient, store: Store, world: World, tmp_path: Path) -> int:
    """A hit between the stranger and police: neither may see the other's contribution."""
    with store.begin() as conn:
        stranger = f.user(conn, "Stranger FR", role="contributor")
        f.submit_lines(conn, stranger, tmp_path, ["evil-c2.net"], tlp="amber")
    [hit] = client.get("/api/v1/hits", headers=token(store, stranger.email)).json()["items"]
    assert hit["partner_visible"] is False and hit["partner_selector"] is None
    return int(hit["id"])


def test_hits_show_both_sides_and_hide_what_may_not_be_seen(
        client: TestClient, world: World, store: Store, tmp_path: Path) -> None:
    [bank_hit] = client.get("/api/v1/hits", headers=world.bank).json()["items"]
    assert bank_hit["partner"] == "Police DE" and bank_hit["partner_visible"]
    [police_hit] = client.get("/api/v1/hits", headers=world.police).json()["items"]
    assert police_hit["partner_visible"] is False and police_hit["partner_contributions"] == []
    assert client.get("/api/v1/hits", headers=world.stranger).json() == \
        {"items": [], "next": None}
    assert client.get("/api/v1/hits/widespread", headers=world.bank).json() == []


def test_access_request_from_request_to_grant(client: TestClient, world: World,
                                              store: Store, tmp_path: Path) -> None:
    hit_id = _hidden_hit(client, store, world, tmp_path)
    stranger = token(store, "contributor@stranger-fr.example")
    asked = client.post("/api/v1/access-requests", json={"hit_id": hit_id,
                                                          "reason": "case 42"},
                        headers=stranger)
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    again = client.post("/api/v1/access-requests", json={"hit_id": hit_id, "reason": "x"},
                        headers=stranger)
    assert again.status_code == 409
    [listed] = client.get("/api/v1/access-requests", params={"status": "pending"},
                          headers=world.police).json()["items"]
    assert listed["id"] == request_id and listed["reason"] == "case 42"
    # Only the holder decides; to anyone else the request does not exist.
    assert client.post(f"/api/v1/access-requests/{request_id}/grant",
                       headers=world.bank).status_code == 404
    granted = client.post(f"/api/v1/access-requests/{request_id}/grant",
                          json={"note": "for case 42 only"}, headers=world.police)
    assert granted.json()["status"] == "granted"
    assert client.post(f"/api/v1/access-requests/{request_id}/deny",
                       headers=world.police).status_code == 409
    now = client.get("/api/v1/search", params={"value": "evil-c2.net"}, headers=stranger)
    assert world.secret_id in {r["contribution_id"] for r in now.json()["results"]}
    notes = client.get("/api/v1/notifications", headers=stranger).json()["items"]
    assert any(n["kind"] == "access-granted" for n in notes)


def test_deny_keeps_the_data_hidden(client: TestClient, world: World, store: Store,
                                    tmp_path: Path) -> None:
    hit_id = _hidden_hit(client, store, world, tmp_path)
    stranger = token(store, "contributor@stranger-fr.example")
    request_id = client.post("/api/v1/access-requests", json={"hit_id": hit_id,
                                                               "reason": "why not"},
                             headers=stranger).json()["id"]
    denied = client.post(f"/api/v1/access-requests/{request_id}/deny", headers=world.police)
    assert denied.json()["status"] == "denied"
    found = client.get("/api/v1/search", params={"value": "evil-c2.net"}, headers=stranger)
    assert world.secret_id not in {r["contribution_id"] for r in found.json()["results"]}


def test_deconflict_and_score(client: TestClient, world: World) -> None:
    results = client.post("/api/v1/deconflict",
                          json={"values": ["evil-c2[.]net", "nothing.example", "???"]},
                          headers=world.stranger).json()
    held, free, bad = results
    assert [h["partner"] for h in held["holders"]] == ["Police DE"]
    assert held["holders"][0]["visible"] is False and held["holders"][0]["contributions"] == []
    assert free["holders"] == [] and bad["error"]
    scored = client.get("/api/v1/score", params={"value": "45.137.21.9"},
                        headers=world.bank).json()
    assert scored["organisations"] == 2 and scored["score"] > 0
    blind = client.get("/api/v1/score", params={"value": "45.137.21.9"},
                       headers=world.stranger).json()
    assert (blind["organisations"], blind["score"], blind["sightings"]) == (0, 0, [])


def test_audit_trail_pages_and_is_for_admins(client: TestClient, world: World,
                                             store: Store) -> None:
    for _ in range(3):
        client.get("/api/v1/search", params={"value": "evil-c2.net"}, headers=world.bank)
    first = client.get("/api/v1/audit", params={"limit": 2}, headers=world.bank).json()
    second = client.get("/api/v1/audit", params={"limit": 2, "cursor": first["next"]},
                        headers=world.bank).json()
    ids = [e["id"] for e in first["items"] + second["items"]]
    assert len(set(ids)) == 4 and ids == sorted(ids, reverse=True)
    with store.begin() as conn:
        reader = f.user(conn, "Bank NL", role="reader")
    assert client.get("/api/v1/audit", headers=token(store, reader.email)).status_code == 403
    others = client.get("/api/v1/audit", headers=world.stranger).json()["items"]
    assert all(e["action"] != "pool.search" for e in others)


def test_warninglists_and_rematch(client: TestClient, world: World) -> None:
    lists = client.get("/api/v1/warninglists", headers=world.bank).json()
    assert lists and all(w["entries"] > 0 for w in lists)
    assert client.post("/api/v1/rematch", headers=world.bank).status_code == 403
    summary = client.post("/api/v1/rematch", headers=world.host).json()
    assert summary["hits"] >= 1
