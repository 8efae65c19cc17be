"""REST: an operation from opening to the action day, deconfliction alerts, and what a
stranger or a read-only token gets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from intelpool.operations import links, service
from tests import factories as f
from tests.api.conftest import World, token
from tests.conftest import Store


def _open(client: TestClient, world: World) -> int:
    made = client.post("/api/v1/operations", json={"name": "Operation Falcon",
                                                   "themes": ["botnet"]},
                       headers=world.police)
    assert made.status_code == 201, made.text
    op: int = made.json()["id"]
    return op


def test_an_operation_from_invitation_to_the_action_day(client: TestClient,
                                                        world: World) -> None:
    op = _open(client, world)
    base = f"/api/v1/operations/{op}"
    invited = client.post(f"{base}/invite", json={"organisation": "Bank NL"},
                          headers=world.police)
    assert invited.status_code == 200, invited.text
    listed = client.get("/api/v1/operations", headers=world.bank).json()["items"]
    assert [(o["id"], o["your_state"]) for o in listed] == [(op, "invited")]
    assert client.post(f"{base}/join", headers=world.bank).status_code == 200
    linked = client.post(f"{base}/links", json={"values": ["evil-c2[.]net"]},
                         headers=world.police)
    assert linked.status_code == 200 and linked.json()["linked"]
    assert client.post(f"{base}/contributions/{world.bank_id}",
                       headers=world.bank).status_code == 204
    task = client.post(f"{base}/tasks", json={"text": "Freeze the mule accounts",
                                              "assign": "Bank NL"}, headers=world.police)
    assert task.status_code == 201, task.text
    mine = client.get("/api/v1/tasks", headers=world.bank).json()["items"]
    assert [t["text"] for t in mine] == ["Freeze the mule accounts"]
    assert client.post(f"/api/v1/tasks/{task.json()['id']}/done",
                       headers=world.bank).status_code == 204
    assert client.get("/api/v1/tasks", headers=world.bank).json()["items"] == []
    assert client.get("/api/v1/tasks", params={"all": True},
                      headers=world.bank).json()["items"][0]["done_at"]
    for kind in ("notes", "log"):
        made = client.post(f"{base}/{kind}", json={"text": f"a {kind} entry"},
                           headers=world.bank)
        assert made.status_code == 201, made.text
    day = client.post(f"{base}/action-days", json={
        "at": (datetime.now(UTC) + timedelta(days=3)).isoformat(), "country": "DE",
        "action": "search", "targets": ["evil-c2.net"]}, headers=world.police)
    assert day.status_code == 201, day.text
    assert client.post(f"/api/v1/action-days/{day.json()['id']}/decide", json={"go": True},
                       headers=world.police).status_code == 204
    status = client.post(f"{base}/status", json={"status": "active"}, headers=world.police)
    assert status.status_code == 200 and status.json()["summary"]["status"] == "active"
    until = (datetime.now(UTC) + timedelta(days=10)).isoformat()
    assert client.post(f"{base}/embargo", json={"until": until},
                       headers=world.police).json()["embargo_until"]
    renewed = client.post(f"{base}/renew", json={"months": 6}, headers=world.police).json()
    assert renewed["renewed"] >= 1
    assert client.post(f"{base}/renew", json={}, headers=world.bank).status_code == 403
    detail = client.get(base, headers=world.bank).json()
    assert world.bank_id in detail["contributions"]
    assert {n["text"] for n in detail["notes"]} == {"a notes entry", "a log entry"}
    assert [d["decision"] for d in detail["plan"]["DE"]] == ["go"]
    actions = [e["action"] for e in client.get(f"{base}/timeline",
                                               headers=world.police).json()]
    assert actions[0].endswith("create") and len(actions) >= 8
    removed = client.post(f"{base}/remove", json={"organisation": "Bank NL"},
                          headers=world.police)
    assert removed.status_code == 200
    assert client.get(base, headers=world.bank).status_code == 404


def test_hidden_operations_read_like_missing_and_a_read_token_cannot_lead(
        client: TestClient, world: World, store: Store) -> None:
    op = _open(client, world)
    for suffix in ("", "/timeline"):
        hidden = client.get(f"/api/v1/operations/{op}{suffix}", headers=world.stranger)
        missing = client.get(f"/api/v1/operations/999999{suffix}", headers=world.stranger)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json()["error"]["message"].replace(str(op), "N") == \
            missing.json()["error"]["message"].replace("999999", "N")
    note = client.post(f"/api/v1/operations/{op}/notes", json={"text": "hello"},
                       headers=world.stranger)
    assert note.status_code == 404
    reader = token(store, world.police_user.email, scopes=["read"])
    refused = client.post("/api/v1/operations", json={"name": "Not mine to open"},
                          headers=reader)
    assert refused.status_code == 403 and "operations:manage" in refused.text
    assert client.get("/api/v1/operations", headers=reader).json()["items"]
    nul = client.post("/api/v1/operations", json={"name": "bad\u0000name"},
                      headers=world.police)
    assert nul.status_code == 422


def test_deconfliction_alerts_list_and_resolve(client: TestClient, world: World,
                                               store: Store, tmp_path: Path) -> None:
    op = _open(client, world)
    client.post(f"/api/v1/operations/{op}/links", json={"values": ["evil-c2.net"]},
                headers=world.police)
    with store.begin() as conn:
        fr = f.user(conn, "Stranger FR", role="analyst")
        f.submit_lines(conn, fr, tmp_path, ["cdn.evil-c2.net"], tlp="red")
        theirs = service.create(conn, fr, "Operation Owl", confidential=True)
        links.link(conn, fr, theirs, ["cdn.evil-c2.net"], [])
    [alert] = client.get("/api/v1/deconfliction", headers=world.police).json()["items"]
    assert alert["your_operation"] == op and alert["other_lead"] == \
        "an operation of a partner"
    resolved = client.post(f"/api/v1/deconfliction/{alert['number']}/resolve",
                           json={"outcome": "joint", "note": "call us"},
                           headers=world.police)
    assert resolved.status_code == 200 and resolved.json()["your_outcome"] == "joint"
    assert client.get("/api/v1/deconfliction", headers=world.bank).json()["items"] == []
    other = client.post(f"/api/v1/deconfliction/{alert['number']}/resolve",
                        json={"outcome": "joint"}, headers=world.bank)
    assert other.status_code == 404


def test_a_private_partners_takedown_note_is_held_for_the_lead(client: TestClient,
                                                               world: World) -> None:
    op = _open(client, world)
    base = f"/api/v1/operations/{op}"
    client.post(f"{base}/invite", json={"organisation": "Bank NL"}, headers=world.police)
    client.post(f"{base}/join", headers=world.bank)
    client.post(f"{base}/links", json={"values": ["evil-c2.net"]}, headers=world.police)
    plain = client.post(f"{base}/notes", json={"text": "seen", "takedown": ["shop.example"]},
                        headers=world.bank)
    held = client.post(f"{base}/notes", json={"text": "take it down",
                                              "takedown": ["login.evil-c2[.]net"]},
                       headers=world.bank)
    assert plain.status_code == held.status_code == 201, held.text
    assert plain.json()["held"] is False and held.json()["held"] is True
    notes = client.get(base, headers=world.police).json()["notes"]
    assert [n["text"] for n in notes] == ["seen"]
    bad = client.post(f"{base}/notes", json={"text": "x", "takedown": ["not a selector"]},
                      headers=world.bank)
    assert bad.status_code == 422 and "not a selector" in bad.text


def test_tasks_page_in_due_order(client: TestClient, world: World) -> None:
    op = _open(client, world)
    base = f"/api/v1/operations/{op}"
    client.post(f"{base}/invite", json={"organisation": "Bank NL"}, headers=world.police)
    client.post(f"{base}/join", headers=world.bank)
    soon = datetime.now(UTC) + timedelta(days=1)
    for n in (3, 1, 2):
        made = client.post(f"{base}/tasks", json={
            "text": f"task {n}", "assign": "Bank NL",
            "due": (soon + timedelta(days=n)).isoformat()}, headers=world.police)
        assert made.status_code == 201, made.text
    first = client.get("/api/v1/tasks", params={"limit": 2}, headers=world.bank).json()
    assert [t["text"] for t in first["items"]] == ["task 1", "task 2"]
    rest = client.get("/api/v1/tasks", params={"limit": 2, "cursor": first["next"]},
                      headers=world.bank).json()
    assert [t["text"] for t in rest["items"]] == ["task 3"] and rest["next"] is None


def test_a_held_takedown_note_is_listed_and_released_by_the_lead_only(
        client: TestClient, world: World) -> None:
    falcon = _open(client, world)
    client.post(f"/api/v1/operations/{falcon}/links", json={"values": ["evil-c2.net"]},
                headers=world.police)
    mule = client.post("/api/v1/operations", json={"name": "Operation Mule"},
                       headers=world.stranger).json()["id"]
    client.post(f"/api/v1/operations/{mule}/invite", json={"organisation": "Bank NL"},
                headers=world.stranger)
    client.post(f"/api/v1/operations/{mule}/join", headers=world.bank)
    made = client.post(f"/api/v1/operations/{mule}/notes", headers=world.bank, json={
        "text": "Please take down the login page", "takedown": ["login.evil-c2.net"]}).json()
    assert made["held"] is True
    [item] = client.get("/api/v1/held", headers=world.police).json()["items"]
    assert (item["subject_type"], item["id"], item["sender"]) == (
        "operation_note", made["id"], "Bank NL")
    assert [(t["operation"], t["target"]) for t in item["touches"]] == [
        (falcon, "domain evil-c2.net")]
    assert "take down" not in str(item)
    for other in (world.bank, world.stranger):
        assert client.get("/api/v1/held", headers=other).json() == {"items": []}
        refused = client.post(f"/api/v1/notes/{made['id']}/release", headers=other)
        assert refused.status_code == 404, refused.text
    assert client.post(f"/api/v1/notes/{made['id']}/release",
                       headers=world.police).status_code == 204
    assert client.get("/api/v1/held", headers=world.police).json() == {"items": []}
    # An id past what the store can hold is refused as input, not failed on.
    assert client.post(f"/api/v1/notes/{2**63}/release",
                       headers=world.police).status_code == 422
    notes = client.get(f"/api/v1/operations/{mule}", headers=world.stranger).json()["notes"]
    assert [n["text"] for n in notes] == ["Please take down the login page"]
