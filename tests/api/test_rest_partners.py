"""REST: partner administration (organisations, users, tokens, sharing groups)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.conftest import Store


def test_host_admins_manage_organisations_and_groups(client: TestClient, world: World) -> None:
    added = client.post("/api/v1/organisations",
                        json={"name": "CERT PL", "kind": "cert", "country": "pl"},
                        headers=world.host)
    assert added.status_code == 201 and added.json()["country"] == "PL"
    clash = client.post("/api/v1/organisations", json={"name": "CERT PL", "kind": "cert"},
                        headers=world.host)
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "conflict"
    assert client.post("/api/v1/organisations", json={"name": "Y", "kind": "cert"},
                       headers=world.police).status_code == 403
    names = [o["name"] for o in client.get("/api/v1/organisations", params={"limit": 3},
                                           headers=world.stranger).json()["items"]]
    assert len(names) == 3
    group = client.post("/api/v1/groups", json={"name": "Fin", "members": ["Bank NL"]},
                        headers=world.host)
    assert group.status_code == 201 and group.json()["members"] == ["Bank NL"]
    changed = client.patch("/api/v1/groups/Fin/members",
                           json={"add": ["CERT PL"], "remove": ["Bank NL"]}, headers=world.host)
    assert changed.json()["members"] == ["CERT PL"]
    assert client.patch("/api/v1/groups/Nope/members", json={"add": []},
                        headers=world.host).status_code == 404
    [listed] = client.get("/api/v1/groups", headers=world.bank).json()["items"]
    assert listed["name"] == "Fin"


def test_organisation_admins_manage_their_own_users_and_tokens(
        client: TestClient, world: World, store: Store) -> None:
    added = client.post("/api/v1/users", json={"email": "new@bank.example",
                                                "organisation": "Bank NL", "role": "reader"},
                        headers=world.bank)
    assert added.status_code == 201
    assert client.post("/api/v1/users", json={"email": "x@police.example",
                                               "organisation": "Police DE",
                                               "role": "reader"},
                       headers=world.bank).status_code == 403
    emails = [u["email"] for u in client.get("/api/v1/users", headers=world.bank)
              .json()["items"]]
    assert emails == ["admin@bank-nl.example", "new@bank.example"]
    issued = client.post("/api/v1/tokens", json={"email": "new@bank.example",
                                                  "scopes": ["read"], "expires_days": 3},
                         headers=world.bank)
    assert issued.status_code == 201
    secret = issued.json()["secret"]
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/contributions", headers=headers).status_code == 200
    assert client.delete(f"/api/v1/tokens/{issued.json()['id']}",
                         headers=world.police).status_code == 403
    assert client.delete(f"/api/v1/tokens/{issued.json()['id']}",
                         headers=world.bank).status_code == 204
    assert client.get("/api/v1/contributions", headers=headers).status_code == 401
