"""The operations and RFI pages: sorted and paged on the server, CSV exports with the RFI's
own handling, an invitation without the operation's data, and nothing for a stranger."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from intelpool.operations import rfi, service
from intelpool.partners import sign_in
from intelpool.web import list_exports
from tests import factories as f
from tests.conftest import Store
from tests.operations import list_world
from tests.operations.list_world import ListWorld
from tests.web.helpers import PASSWORD, signed_in

MORE = 45  # beyond the world's own, so the lead's lists run past one page of 50


@pytest.fixture
def lw(store: Store, tmp_path: Path) -> ListWorld:
    with store.begin() as conn:
        built = list_world.build(conn, tmp_path)
        lead = built.who["lead"]
        for n in range(MORE):
            service.create(conn, lead, f"zz-{n:02d}")
            rfi.create(conn, lead, rfi.RfiRequest(to=["Partner Police"], question=f"more {n}"))
        for who in built.who.values():
            sign_in.set_password(conn, f.OPERATOR, who.email, PASSWORD)
    return built


def _client(store: Store, lw: ListWorld, name: str) -> TestClient:
    return signed_in(store.engine, lw.who[name].email)


def _csv(client: TestClient, path: str) -> tuple[list[str], list[dict[str, str]]]:
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/csv"), path
    header = next(csv.reader(io.StringIO(response.text)))
    return header, list(csv.DictReader(io.StringIO(response.text)))


def test_my_operations_sort_and_page_to_the_last_one(store: Store, lw: ListWorld) -> None:
    lead = _client(store, lw, "lead")
    total = lw.lead_ops + MORE
    first = lead.get("/operations", params={"sort": "name"}).text
    last = lead.get("/operations", params={"sort": "name", "page": 2}).text
    assert f"My operations ({total})" in first and 'rel="next"' in first
    assert f"page 2 of 2 · {total} in all" in last and 'rel="prev"' in last
    assert last.count('<a href="/operations/') == total - 50
    assert "zz-44" in last and "zz-44" not in first
    names = [row.split('">', 1)[1].split("<", 1)[0]
             for row in first.split('<a href="/operations/')[1:]]
    assert names[:3] == ["Operation Matrix", "op-00", "op-01"]
    descending = lead.get("/operations", params={"sort": "-name"}).text
    assert descending.index("partner-run") < descending.index("op-11")
    # Sort links keep the other list's order and reset the page.
    assert "isort=-id" in first and "sort=-name" in first


def test_operations_csv_has_the_columns_and_every_row(store: Store, lw: ListWorld) -> None:
    header, rows = _csv(_client(store, lw, "lead"), "/operations.csv?sort=created")
    assert header == list_exports.OPERATION_HEADER == [
        "id", "name", "lead", "status", "your_role", "your_state", "confidential", "themes",
        "created_at"]
    assert len(rows) == lw.lead_ops + MORE
    partner_run = next(r for r in rows if r["name"] == "partner-run")
    assert partner_run["lead"] == "Partner Police" and partner_run["confidential"] == "yes"
    assert partner_run["your_role"] == "participant" and partner_run["your_state"] == "joined"
    assert [r["created_at"] for r in rows] == sorted(r["created_at"] for r in rows)


def test_rfis_sort_page_and_export_their_own_handling(store: Store, lw: ListWorld) -> None:
    lead = _client(store, lw, "lead")
    outbox = lead.get("/rfis", params={"box": "outbox", "sort": "due", "page": 2}).text
    assert f"Outbox ({6 + MORE})" in outbox and "Inbox (4)" in outbox
    assert f"page 2 of 2 · {6 + MORE} in all" in outbox and 'rel="prev"' in outbox
    assert len(re.findall(r'<a href="/rfis/\d', outbox)) == 6 + MORE - 50
    first = lead.get("/rfis", params={"box": "outbox", "sort": "due"}).text
    assert "TLP:GREEN" in first  # requests with a due date come first, without one last
    assert "more 44" in outbox and "more 44" not in first
    header, rows = _csv(lead, "/rfis.csv?sort=-id")
    assert header == list_exports.RFI_HEADER
    assert {"tlp", "pap", "answer_tlp", "your_part", "status", "due_at"} <= set(header)
    assert len(rows) == lw.lead_rfis + MORE
    assert [int(r["id"]) for r in rows] == sorted((int(r["id"]) for r in rows), reverse=True)
    late = next(r for r in rows if int(r["id"]) == lw.expired)
    assert (late["status"], late["your_part"], late["tlp"]) == ("expired", "recipient", "amber")
    assert {r["your_part"] for r in _csv(lead, "/rfis.csv?box=outbox")[1]} == {"requester"}


def test_a_bad_sort_key_is_a_message_on_the_page(store: Store, lw: ListWorld) -> None:
    lead = _client(store, lw, "lead")
    for path in ("/operations", "/operations.csv", "/rfis", "/rfis.csv"):
        response = lead.get(path, params={"sort": "secret_name"})
        assert response.status_code == 422, path
        assert "cannot sort" in response.text and "secret_name" in response.text


@pytest.mark.parametrize("viewer", ["stranger", "removed"])
def test_a_stranger_or_removed_member_gets_empty_lists_and_csv(store: Store, lw: ListWorld,
                                                               viewer: str) -> None:
    client = _client(store, lw, viewer)
    page = client.get("/operations").text
    assert "My operations (0)" in page and "Invitations (0)" in page
    assert "Operation Matrix" not in page and "op-0" not in page
    rfis = client.get("/rfis", params={"sort": "requester"}).text
    assert "Inbox (0)" in rfis and "Outbox (0)" in rfis and "page 1 of 1 · 0 in all" in rfis
    assert _csv(client, "/operations.csv")[1] == [] and _csv(client, "/rfis.csv")[1] == []


def test_an_invited_organisation_sees_the_invitation_not_the_data(store: Store,
                                                                  lw: ListWorld) -> None:
    client = _client(store, lw, "invited")
    page = client.get("/operations").text
    assert "Invitations (1)" in page and "My operations (0)" in page
    assert "Operation Matrix" in page and "c2.op-matrix.net" not in page
    _, rows = _csv(client, "/operations.csv")
    assert [(r["name"], r["your_state"]) for r in rows] == [("Operation Matrix", "invited")]


def test_alerts_sort_and_export_and_a_quiet_lead_sees_none(store: Store,
                                                           tmp_path: Path) -> None:
    with store.begin() as conn:
        who = list_world.alert_world(conn, tmp_path)
        for principal in who.values():
            sign_in.set_password(conn, f.OPERATOR, principal.email, PASSWORD)
    de = signed_in(store.engine, who["de"].email)
    page = de.get("/operations", params={"asort": "-other"}).text
    shown = re.findall(r'<td>(an operation of [^<]+)</td>', page)
    assert shown and shown == sorted(shown, reverse=True) and "Police FR" not in page
    assert "asort=other" in page  # the header link turns the order round
    header, rows = _csv(de, "/deconfliction.csv?sort=match")
    assert header == list_exports.ALERT_HEADER and len(rows) == len(shown)
    assert [r["match"] for r in rows] == sorted(r["match"] for r in rows)
    assert {r["contact"] for r in rows if r["other_lead"].endswith("a partner")} == {""}
    assert de.get("/deconfliction.csv", params={"sort": "target_b"}).status_code == 422
    for quiet in ("bank", "stranger"):
        client = signed_in(store.engine, who[quiet].email)
        assert "Deconfliction alerts" not in client.get("/operations").text
        assert _csv(client, "/deconfliction.csv")[1] == []
