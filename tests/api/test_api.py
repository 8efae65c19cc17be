"""The HTTP API's plumbing: tokens, the error shape, declared permissions, limits."""

from __future__ import annotations

import base64
from pathlib import Path

from fastapi.testclient import TestClient

from intelpool.api.app import create_app
from intelpool.api.guard import PUBLIC, route_permissions
from intelpool.db.engine import make_engine
from tests import factories as f
from tests.api.conftest import World, make_client, token
from tests.conftest import Store


def test_every_route_declares_the_permission_it_needs() -> None:
    routes = route_permissions(create_app(make_engine("sqlite://")))
    assert len(routes) > 20
    missing = [f"{methods} {path}" for methods, path, declared in routes if declared is None]
    assert missing == []
    public = {path for _, path, declared in routes if declared == PUBLIC}
    assert public == {"/api/v1/health", "/taxii2/"}


def test_health_names_the_store(client: TestClient, store: Store) -> None:
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["store"] == store.name


def test_a_valid_token_is_required_in_the_one_error_shape(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer ipt_forged"}):
        response = client.get("/api/v1/search", params={"value": "1.2.3.4"}, headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
        assert "Bearer" in response.headers["WWW-Authenticate"]


def test_basic_auth_takes_a_token_as_password(client: TestClient, world: World) -> None:
    secret = world.bank["Authorization"].removeprefix("Bearer ")
    basic = base64.b64encode(f"{world.bank_user.email}:{secret}".encode()).decode()
    response = client.get("/api/v1/contributions", headers={"Authorization": f"Basic {basic}"})
    assert response.status_code == 200 and response.json()["items"]
    other = base64.b64encode(f"admin@police-de.example:{secret}".encode()).decode()
    assert client.get("/api/v1/contributions",
                      headers={"Authorization": f"Basic {other}"}).status_code == 401


def test_search_returns_what_the_token_holder_may_see(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        bank = f.member(conn, "Bank NL", kind="private", role="reader")
        f.submit_lines(conn, police, tmp_path, ["45.137.21.9"], tlp="amber",
                       audience=["org:Bank NL"], anonymous=True)
    headers = token(store, bank.email, ["read"])
    response = client.get("/api/v1/search", params={"value": "45.137.21[.]9"}, headers=headers)
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert (result["originator"], result["handling"]["tlp"]) == ("a partner", "amber")
    invalid = client.get("/api/v1/search", params={"value": "???"}, headers=headers)
    assert invalid.status_code == 422
    assert invalid.json()["error"]["code"] == "invalid_input"
    assert "cannot search" in invalid.json()["error"]["message"]


def test_token_scopes_narrow_the_role(client: TestClient, world: World, store: Store) -> None:
    submit_only = token(store, world.police_user.email, ["submit"])
    response = client.get("/api/v1/search", params={"value": "1.2.3.4"}, headers=submit_only)
    assert response.status_code == 403 and "pool:read" in response.json()["error"]["message"]
    read_only = token(store, world.police_user.email, ["read"])
    refused = client.post("/api/v1/contributions", params={"tlp": "green"},
                          content=b"198.51.100.1\n", headers=read_only)
    assert refused.status_code == 403
    # A scope never widens a role: a police admin's "admin" token manages no partners.
    admin = token(store, world.police_user.email, ["admin"])
    assert client.post("/api/v1/organisations", json={"name": "X", "kind": "cert"},
                       headers=admin).status_code == 403


def test_validation_and_malformed_bodies(client: TestClient, world: World) -> None:
    missing = client.get("/api/v1/search", headers=world.bank)
    assert missing.status_code == 422
    assert missing.json()["error"]["details"]["errors"][0]["location"] == "query.value"
    broken = client.post("/api/v1/deconflict", content=b"{not json",
                         headers={**world.bank, "Content-Type": "application/json"})
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "bad_request"
    cursor = client.get("/api/v1/contributions", params={"cursor": "garbage!"},
                        headers=world.bank)
    assert cursor.status_code == 400


def test_uploads_over_the_limit_are_refused_with_413(store: Store, world: World) -> None:
    with make_client(store, api_max_upload_bytes=1000) as small:
        declared = small.post("/api/v1/contributions", params={"tlp": "green"},
                              content=b"x" * 2000, headers=world.police)
        assert declared.status_code == 413
        assert declared.json()["error"]["code"] == "payload_too_large"

        def chunks() -> object:
            for _ in range(5):
                yield b"198.51.100.1\n" * 50

        streamed = small.post("/api/v1/contributions", params={"tlp": "green"},
                              content=chunks(), headers=world.police)  # type: ignore[arg-type]
        assert streamed.status_code == 413
    with make_client(store) as big:
        listing = big.get("/api/v1/contributions", headers=world.police).json()
    assert {c["id"] for c in listing["items"]} == {world.secret_id}


def test_each_token_is_rate_limited_with_retry_after(store: Store, world: World) -> None:
    with make_client(store, api_rate_limit_per_minute=3) as limited:
        codes = [limited.get("/api/v1/notifications", headers=world.bank).status_code
                 for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = limited.get("/api/v1/notifications", headers=world.bank)
        assert refused.json()["error"]["code"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) >= 1
        # Another token has its own budget.
        assert limited.get("/api/v1/notifications", headers=world.police).status_code == 200
