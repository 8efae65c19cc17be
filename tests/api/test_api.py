"""The HTTP API: health, bearer tokens, search under the same visibility rule."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from intelpool.api.app import create_app
from intelpool.partners import identity
from tests import factories as f
from tests.conftest import Store


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store.engine)) as test_client:
        yield test_client


def _token(store: Store, email: str, scopes: list[str]) -> dict[str, str]:
    with store.begin() as conn:
        token = identity.create_token(conn, f.OPERATOR, email, expires_days=1, scopes=scopes)
    return {"Authorization": f"Bearer {token.secret}"}


def test_health_names_the_store(client: TestClient, store: Store) -> None:
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["store"] == store.name


def test_search_needs_a_valid_token(client: TestClient) -> None:
    assert client.get("/api/v1/search", params={"value": "1.2.3.4"}).status_code == 401
    bad = {"Authorization": "Bearer ipt_forged"}
    assert client.get("/api/v1/search", params={"value": "1.2.3.4"},
                      headers=bad).status_code == 401


def test_search_returns_what_the_token_holder_may_see(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        bank = f.member(conn, "Bank NL", kind="private", role="reader")
        f.submit_lines(conn, police, tmp_path, ["203.0.113.9"], tlp="amber",
                       audience=["org:Bank NL"], anonymous=True)
    response = client.get("/api/v1/search", params={"value": "203.0.113[.]9"},
                          headers=_token(store, bank.email, ["read"]))
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert (result["originator"], result["handling"]["tlp"]) == ("a partner", "amber")
    invalid = client.get("/api/v1/search", params={"value": "???"},
                         headers=_token(store, bank.email, ["read"]))
    assert invalid.status_code == 422 and "cannot search" in invalid.json()["detail"]


def test_a_token_without_read_scope_cannot_search(client: TestClient, store: Store) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
    response = client.get("/api/v1/search", params={"value": "1.2.3.4"},
                          headers=_token(store, police.email, ["submit"]))
    assert response.status_code == 403 and "pool:read" in response.json()["detail"]
