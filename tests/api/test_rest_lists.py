"""REST lists (hits, access requests, audit, operations, RFIs) sort and page in SQL through
their opaque cursor; a bad sort key is a 400."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from intelpool.operations import alerts
from tests.api.conftest import Headers, token
from tests.conftest import Store
from tests.matching import list_pool
from tests.matching.list_pool import HIT_TOTAL, ListPool
from tests.operations import list_world
from tests.operations.list_world import ListWorld


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


@pytest.fixture
def lw(store: Store, tmp_path: Path) -> ListWorld:
    with store.begin() as conn:
        return list_world.build(conn, tmp_path)


def test_operations_and_rfis_page_through_the_cursor_in_each_order(
        client: TestClient, store: Store, lw: ListWorld) -> None:
    lead = token(store, lw.who["lead"].email)
    names = _walk(client, "/api/v1/operations", lead, sort="name", limit=3)
    newest = _walk(client, "/api/v1/operations", lead, limit=4)
    joined = _walk(client, "/api/v1/operations", lead, state="joined", sort="-lead", limit=5)
    due = _walk(client, "/api/v1/rfis", lead, sort="due", limit=3)
    outbox = _walk(client, "/api/v1/rfis", lead, box="outbox", limit=2)
    assert len(names) == lw.lead_ops == len({o["id"] for o in names}) == len(newest)
    assert [o["name"] for o in names] == sorted(o["name"] for o in names)
    assert [o["id"] for o in newest] == sorted((o["id"] for o in newest), reverse=True)
    assert [o["lead"] for o in joined] == sorted((o["lead"] for o in joined), reverse=True)
    assert len(due) == lw.lead_rfis == len({r["id"] for r in due})
    dated = [r["due_at"] for r in due if r["due_at"]]
    assert dated == sorted(dated) and due[-1]["due_at"] is None  # no due date comes last
    assert len(outbox) == 6 and {r["your_part"] for r in outbox} == {"requester"}


@pytest.mark.parametrize("path", ["/api/v1/operations", "/api/v1/rfis"])
def test_a_bad_operation_or_rfi_sort_key_is_a_400_in_one_line(
        client: TestClient, store: Store, lw: ListWorld, path: str) -> None:
    response = client.get(path, params={"sort": "-org_name"},
                          headers=token(store, lw.who["lead"].email))
    assert response.status_code == 400
    text = str(response.json())
    assert "cannot sort" in text and "'org_name'" in text and "\\n" not in text


@pytest.mark.parametrize("viewer", ["stranger", "removed"])
def test_a_stranger_or_removed_member_gets_no_operations_or_rfis(
        client: TestClient, store: Store, lw: ListWorld, viewer: str) -> None:
    headers = token(store, lw.who[viewer].email)
    for path, sort in (("/api/v1/operations", "lead"), ("/api/v1/rfis", "requester")):
        body = client.get(path, params={"sort": sort}, headers=headers).json()
        assert body == {"items": [], "next": None}


def test_an_invited_organisation_gets_the_invitation_only(client: TestClient, store: Store,
                                                          lw: ListWorld) -> None:
    headers = token(store, lw.who["invited"].email)
    listed = _walk(client, "/api/v1/operations", headers, sort="name")
    assert [(o["id"], o["your_state"]) for o in listed] == [(lw.matrix, "invited")]
    assert client.get(f"/api/v1/operations/{lw.matrix}", headers=headers).status_code == 404


def test_rest_alerts_page_through_the_cursor_and_refuse_a_bad_key(
        client: TestClient, store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who = list_world.alert_world(conn, tmp_path)
        total = len(alerts.list_alerts(conn, who["de"]))
    de = token(store, who["de"].email)
    for sort in ("-id", "match", "-other"):
        seen: list[Any] = []
        cursor = None
        while True:
            body = client.get("/api/v1/deconfliction", headers=de,
                              params={"sort": sort, "limit": 2, "cursor": cursor}).json()
            seen += body["items"]
            cursor = body["next"]
            if cursor is None:
                break
        assert len(seen) == total == len({a["number"] for a in seen}), sort
    bad = client.get("/api/v1/deconfliction", headers=de, params={"sort": "bogus"})
    assert bad.status_code == 400 and "cannot sort" in str(bad.json())
    stranger = token(store, who["stranger"].email)
    assert client.get("/api/v1/deconfliction", headers=stranger).json() == {
        "items": [], "next": None}
