"""The hits, access requests and audit pages: sorted and paged on the server, CSV exports with
the handling columns the viewer may see, and nothing for a stranger."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from intelpool.partners import sign_in
from intelpool.web import list_exports
from tests import factories as f
from tests.conftest import Store
from tests.matching import list_pool
from tests.matching.list_pool import HIT_TOTAL, ListPool
from tests.web.helpers import PASSWORD, signed_in


@pytest.fixture
def pool(store: Store, tmp_path: Path) -> ListPool:
    with store.begin() as conn:
        built = list_pool.build(conn, tmp_path)
        for who in (built.bank, built.zulu, built.stranger):
            sign_in.set_password(conn, f.OPERATOR, who.email, PASSWORD)
    return built


def _csv(client: TestClient, path: str) -> list[dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/csv")
    reader = csv.DictReader(io.StringIO(response.text))
    return list(reader)


def _header(client: TestClient, path: str) -> list[str]:
    return next(csv.reader(io.StringIO(client.get(path).text)))


def test_hits_page_sorts_and_pages_to_the_last_one(store: Store, pool: ListPool) -> None:
    client = signed_in(store.engine, pool.bank.email)
    last = client.get("/hits", params={"sort": "selector", "page": 11})
    first = client.get("/hits", params={"sort": "-selector"})
    assert f"page 11 of 11 · {HIT_TOTAL} in all" in last.text
    assert last.text.count("/selector?value=") == HIT_TOTAL - 500
    # Ascending ends where descending starts: the last selector sorts highest.
    assert "url-host-panel.net" in first.text.split("</tr>")[1]
    assert 'rel="next"' in first.text and 'rel="prev"' in last.text


def test_a_bad_sort_key_is_a_message_on_the_page(store: Store, pool: ListPool) -> None:
    client = signed_in(store.engine, pool.bank.email)
    for path in ("/hits", "/access-requests", "/audit", "/hits.csv", "/audit.csv"):
        response = client.get(path, params={"sort": "secret_name"})
        assert response.status_code == 422, path
        assert "cannot sort" in response.text and "secret_name" in response.text


def test_hits_csv_carries_both_sides_handling_where_visible(store: Store,
                                                           pool: ListPool) -> None:
    client = signed_in(store.engine, pool.bank.email)
    rows = _csv(client, "/hits.csv?sort=selector")
    assert _header(client, "/hits.csv") == list_exports.HIT_HEADER
    assert len(rows) == HIT_TOTAL
    by_selector = {r["selector"].split(" ", 1)[1]: r for r in rows}
    granted, hidden = by_selector[list_pool.ZULU_FIRST[0]], by_selector["zulu-three.net"]
    assert (granted["my_tlp"], granted["my_pap"], granted["my_audience"]) == (
        "green", "clear", "pool")
    assert (granted["partner_visible"], granted["partner_tlp"],
            granted["partner_handling_codes"]) == ("yes", "amber", "H2")
    assert granted["partner_handling_of"] == str(pool.granted)
    # Hidden: who holds it and the hit, never its handling.
    assert hidden["partner"] == "Zulu Police" and hidden["partner_visible"] == "no"
    assert all(hidden[f"partner_{c}"] == "" for c in list_exports.HANDLING_COLUMNS)
    assert hidden["partner_handling_of"] == "" and hidden["my_tlp"] == "green"
    assert [r["id"] for r in rows] == [r["id"] for r in sorted(
        rows, key=lambda r: (r["selector"].split(" ", 1), int(r["id"])))]


def test_access_requests_csv_shows_handling_only_to_whom_may_see_it(store: Store,
                                                                    pool: ListPool) -> None:
    bank = signed_in(store.engine, pool.bank.email)
    zulu = signed_in(store.engine, pool.zulu.email)
    mine = {int(r["contribution"]): r for r in _csv(bank, "/access-requests.csv")}
    theirs = {int(r["contribution"]): r for r in _csv(zulu, "/access-requests.csv")}
    assert _header(bank, "/access-requests.csv") == list_exports.REQUEST_HEADER
    assert (mine[pool.granted]["tlp"], mine[pool.granted]["h2"],
            mine[pool.granted]["status"]) == ("amber", "yes", "granted")
    for hidden in (pool.pending, pool.denied):
        assert all(mine[hidden][c] == "" for c in list_exports.HANDLING_COLUMNS)
    assert mine[pool.denied]["holder"] == "a partner"
    assert mine[pool.denied]["note"] == "'=HYPERLINK(\"http://x\")"  # inert in a spreadsheet
    # The holder sees its own handling on every request to it.
    assert set(theirs) == {pool.granted, pool.pending}
    assert (theirs[pool.pending]["tlp"], theirs[pool.pending]["pap"]) == ("amber", "red")
    page = bank.get("/access-requests", params={"sort": "holder"}).text
    assert page.index("Zulu Police") < page.index("a partner")
    assert 'href="/access-requests.csv' in page


def test_audit_csv_carries_the_tlp_of_the_contribution_concerned(store: Store,
                                                                 pool: ListPool) -> None:
    client = signed_in(store.engine, pool.bank.email)
    rows = _csv(client, "/audit.csv?action=access.request")
    assert _header(client, "/audit.csv") == list_exports.AUDIT_HEADER
    assert sorted(r["tlp"] for r in rows) == ["", "", "amber"]
    page = client.get("/audit", params={"sort": "action", "page": 1}).text
    assert "TLP:AMBER" in page and "in all" in page


def test_a_stranger_gets_empty_lists_zero_counts_and_empty_csv(store: Store,
                                                               pool: ListPool) -> None:
    client = signed_in(store.engine, pool.stranger.email)
    for path in ("/hits", "/hits?sort=partner&access=hidden", "/access-requests?sort=holder"):
        page = client.get(path)
        assert page.status_code == 200 and "page 1 of 1 · 0 in all" in page.text, path
    assert _csv(client, "/hits.csv") == [] and _csv(client, "/access-requests.csv") == []
    assert _csv(client, "/operations.csv") == [] and _csv(client, "/rfis.csv") == []
    assert _csv(client, "/deconfliction.csv") == []
    trail = _csv(client, "/audit.csv")
    assert {r["actor"] for r in trail} <= {pool.stranger.email, "operator"}
    assert all(r["tlp"] == "" for r in trail)
    for hidden in ("Zulu Police", "Alpha CERT", "zulu-", "alpha-", "Bank NL"):
        assert hidden not in client.get("/audit").text
