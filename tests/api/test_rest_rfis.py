"""REST: a request for information asked, accepted, answered with text and a file,
consented, minuted and closed; what a stranger and a read-only token get."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World, token
from tests.conftest import Store


def _ask(client: TestClient, world: World, **extra: object) -> int:
    made = client.post("/api/v1/rfis", json={
        "to": ["Bank NL"], "question": "Who pays for evil-c2.net?",
        "items": ["hosting", "payments"], "selectors": ["evil-c2.net"], **extra},
        headers=world.police)
    assert made.status_code == 201, made.text
    assert made.json()["held"] is False
    rfi_id: int = made.json()["id"]
    return rfi_id


def test_a_request_asked_answered_with_a_file_and_closed(client: TestClient,
                                                         world: World) -> None:
    rfi_id = _ask(client, world)
    base = f"/api/v1/rfis/{rfi_id}"
    [received] = client.get("/api/v1/rfis", headers=world.bank).json()["items"]
    assert (received["id"], received["your_part"]) == (rfi_id, "recipient")
    accepted = client.post(f"{base}/accept", json={"reason": "on it"}, headers=world.bank)
    assert accepted.status_code == 200, accepted.text
    text = client.post(f"{base}/answers", json={"text": "a bulletproof host", "item": 1},
                       headers=world.bank)
    assert text.status_code == 201, text.text
    upload = client.post(f"{base}/answers/file", params={"text": "the wallets", "item": 2,
                                                         "format": "text"},
                         files={"file": ("wallets.txt", b"pay-evil.example\n")},
                         headers=world.bank)
    assert upload.status_code == 201, upload.text
    minutes = client.post(f"{base}/minutes", json={"text": "Agreed next steps"},
                          headers=world.police)
    assert minutes.status_code == 201
    shown = client.get(base, headers=world.police).json()
    assert [(a["item"], a["text"]) for a in shown["answers"]] == [
        (1, "a bulletproof host"), (2, "the wallets")]
    file_answer = shown["answers"][1]
    assert file_answer["contribution_id"] and file_answer["delivered"]
    found = client.get("/api/v1/search", params={"value": "pay-evil.example"},
                       headers=world.police).json()["results"]
    assert [r["contribution_id"] for r in found] == [file_answer["contribution_id"]]
    assert [m["text"] for m in shown["minutes"]] == ["Agreed next steps"]
    assert client.post(f"{base}/close", headers=world.police).json()["status"] == "closed"
    assert client.post(f"{base}/reopen", headers=world.police).json()["status"] == "open"
    assert client.post(f"{base}/cancel", headers=world.police).json()["status"] == \
        "cancelled"
    refused = client.post(f"{base}/close", headers=world.bank)
    assert refused.status_code == 403


def test_a_stricter_answer_waits_for_consent(client: TestClient, world: World) -> None:
    rfi_id = _ask(client, world, answer_tlp="green")
    client.post(f"/api/v1/rfis/{rfi_id}/accept", headers=world.bank)
    made = client.post(f"/api/v1/rfis/{rfi_id}/answers/file",
                       params={"text": "the hoster", "tlp": "amber", "format": "text"},
                       content=b"hoster-evil.example\n", headers=world.bank)
    assert made.status_code == 201, made.text
    [waiting] = client.get(f"/api/v1/rfis/{rfi_id}", headers=world.bank).json()["answers"]
    assert waiting["delivered"] is False
    consent = client.post(f"/api/v1/rfis/answers/{made.json()['id']}/consent",
                          headers=world.bank)
    assert consent.status_code == 200, consent.text
    [given] = client.get(f"/api/v1/rfis/{rfi_id}", headers=world.police).json()["answers"]
    assert given["delivered"] is True


def test_others_requests_read_like_missing_and_a_read_token_cannot_ask(
        client: TestClient, world: World, store: Store) -> None:
    rfi_id = _ask(client, world)
    hidden = client.get(f"/api/v1/rfis/{rfi_id}", headers=world.stranger)
    missing = client.get("/api/v1/rfis/999999", headers=world.stranger)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"]["message"].replace(str(rfi_id), "N") == \
        missing.json()["error"]["message"].replace("999999", "N")
    assert client.post(f"/api/v1/rfis/{rfi_id}/decline", json={"reason": "no"},
                       headers=world.stranger).status_code == 404
    reader = token(store, world.police_user.email, scopes=["read"])
    refused = client.post("/api/v1/rfis", json={"to": ["Bank NL"], "question": "Why?"},
                          headers=reader)
    assert refused.status_code == 403 and "pool:submit" in refused.text
    nul = client.post("/api/v1/rfis", json={"to": ["Bank NL"], "question": "a\u0000b"},
                      headers=world.police)
    assert nul.status_code == 422
