"""REST lists sort and page in SQL through their opaque cursor; a bad sort key is a 400."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Headers, token
from tests.conftest import Store
from tests.matching import list_pool
from tests.matching.list_pool import HIT_TOTAL, ListPool


@pytest.fixture
def pool(store: Store, tmp_path: Path) -> ListPool:
    with store.begin() as conn:
        return list_pool.build(conn, tmp_path)


def _walk(client: TestClient, path: str, headers: Headers, **params: Any) -> list[Any]:
    """Every page through the ``next`` cursors, to the end."""
    items: list[Any] = []
    cursor = None
    while True:
        body = client.get(path, params={**params, "cursor": cursor}, headers=headers).json()
        items += body["items"]
        cursor = body["next"]
        if cursor is None:
            return items


def test_hits_page_through_the_cursor_in_each_order(client: TestClient, store: Store,
                                                    pool: ListPool) -> None:
    bank = token(store, pool.bank.email)
    by_selector = _walk(client, "/api/v1/hits", bank, sort="selector", limit=200)
    newest = _walk(client, "/api/v1/hits", bank, limit=1000)
    assert len(by_selector) == HIT_TOTAL == len({h["id"] for h in by_selector})
    assert [h["selector"] for h in by_selector] == sorted(
        (h["selector"] for h in by_selector), key=lambda s: tuple(s.split(" ", 1)))
    assert [(h["last_at"], h["id"]) for h in newest] == sorted(
        ((h["last_at"], h["id"]) for h in newest), reverse=True)


def test_requests_and_trail_sort_and_keep_keyset_paging(client: TestClient, store: Store,
                                                         pool: ListPool) -> None:
    bank = token(store, pool.bank.email)
    holders = _walk(client, "/api/v1/access-requests", bank, sort="holder", limit=1)
    newest = _walk(client, "/api/v1/access-requests", bank, limit=2)
    actions = _walk(client, "/api/v1/audit", bank, sort="action", limit=4)
    asked = _walk(client, "/api/v1/audit", bank, action="access.request", limit=2)
    assert [r["holder"] for r in holders] == ["Zulu Police", "Zulu Police", "a partner"]
    assert [r["id"] for r in newest] == sorted((r["id"] for r in newest), reverse=True)
    assert [e["action"] for e in actions] == sorted(e["action"] for e in actions)
    assert sorted(e["tlp"] or "" for e in asked) == ["", "", "amber"]


@pytest.mark.parametrize("path", ["/api/v1/hits", "/api/v1/access-requests", "/api/v1/audit"])
def test_a_bad_sort_key_is_a_400_in_one_line(client: TestClient, store: Store,
                                             pool: ListPool, path: str) -> None:
    response = client.get(path, params={"sort": "-org_name"},
                          headers=token(store, pool.bank.email))
    assert response.status_code == 400
    text = str(response.json())
    assert "cannot sort" in text and "'org_name'" in text and "\\n" not in text


def test_a_stranger_gets_empty_lists(client: TestClient, store: Store,
                                     pool: ListPool) -> None:
    stranger = token(store, pool.stranger.email)
    for path, sort in (("/api/v1/hits", "partner"), ("/api/v1/access-requests", "holder")):
        body = client.get(path, params={"sort": sort}, headers=stranger).json()
        assert body == {"items": [], "next": None}
