"""The authorisation matrix: every read path x every viewer relationship x every TLP level.

The originator's data goes to one named recipient and one sharing group. The rule allows
exactly the originator, the recipient and the group member; nobody else sees a row, whatever
their role — host admins manage membership, not content.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.api.app import create_app
from intelpool.audit import service as audit
from intelpool.errors import NotFound
from intelpool.partners import identity
from intelpool.partners import service as partners
from intelpool.pool import reads
from tests import factories as f
from tests.conftest import Store

TLPS = ["clear", "green", "amber", "amber+strict", "red"]
VIEWERS = {
    "originator": True,
    "recipient": True,
    "group member": True,
    "stranger": False,
    "stranger admin": False,
    "host admin": False,
}
SELECTOR = "c2.botnet-matrix.example"


def _build(conn: Connection, tmp_path: Path, tlp: str) -> tuple[dict[str, Principal], int]:
    viewers = {
        "originator": f.member(conn, "Origin Police", role="contributor"),
        "recipient": f.member(conn, "Recipient Police", role="reader"),
        "group member": f.member(conn, "Group Bank", kind="private", role="analyst"),
        "stranger": f.member(conn, "Stranger CERT", kind="cert", role="analyst"),
        "host admin": f.member(conn, "Host Centre", kind="host", role="admin"),
    }
    viewers["stranger admin"] = f.user(conn, "Stranger CERT", role="admin")
    partners.add_group(conn, f.OPERATOR, "Banks", ["Group Bank"])
    summary = f.submit_lines(conn, viewers["originator"], tmp_path, [SELECTOR, "10.9.8.7"],
                             tlp=tlp, audience=["org:Recipient Police", "group:Banks"],
                             codes=["H1"])
    return viewers, summary.contribution_id


ReadPath = Callable[[Connection, Principal, int, Store], int]


def _search(conn: Connection, who: Principal, _cid: int, _store: Store) -> int:
    return len(reads.search(conn, who, SELECTOR))


def _list(conn: Connection, who: Principal, _cid: int, _store: Store) -> int:
    return len(reads.list_contributions(conn, who))


def _show(conn: Connection, who: Principal, cid: int, _store: Store) -> int:
    try:
        return len(reads.show_contribution(conn, who, cid).observations)
    except NotFound:
        return 0


def _api_search(conn: Connection, who: Principal, _cid: int, store: Store) -> int:
    token = identity.create_token(conn, f.OPERATOR, who.email, expires_days=1, scopes=["read"])
    conn.commit()
    with TestClient(create_app(store.engine)) as client:
        response = client.get("/api/v1/search", params={"value": SELECTOR},
                              headers={"Authorization": f"Bearer {token.secret}"})
    assert response.status_code == 200
    return len(response.json()["results"])


READ_PATHS: dict[str, ReadPath] = {
    "search": _search,
    "contribution list": _list,
    "contribution show": _show,
    "api search": _api_search,
}


@pytest.mark.parametrize("tlp", TLPS)
def test_matrix(store: Store, tmp_path: Path, tlp: str) -> None:
    with store.begin() as conn:
        viewers, cid = _build(conn, tmp_path, tlp)
    for path_name, read in READ_PATHS.items():
        for viewer, allowed in VIEWERS.items():
            with store.begin() as conn:
                rows = read(conn, viewers[viewer], cid, store)
            expected = {"contribution show": 2}.get(path_name, 1) if allowed else 0
            assert rows == expected, f"{path_name} as {viewer} at TLP:{tlp}"


def test_pool_audience_reaches_every_member_but_keeps_anonymity(
    store: Store, tmp_path: Path
) -> None:
    with store.begin() as conn:
        origin = f.member(conn, "Origin Police", role="contributor")
        other = f.member(conn, "Other Bank", kind="private", role="reader")
        f.submit_lines(conn, origin, tmp_path, [SELECTOR], tlp="green", anonymous=True)
        seen_by_other = reads.search(conn, other, SELECTOR)
        seen_by_origin = reads.search(conn, origin, SELECTOR)
    assert [v.originator for v in seen_by_other] == ["a partner"]
    assert [v.originator for v in seen_by_origin] == ["Origin Police"]
    assert seen_by_other[0].handling.audience == ["pool"]


def test_amber_defaults_to_originator_only(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        origin = f.member(conn, "Origin Police", role="contributor")
        other = f.member(conn, "Other Police", role="analyst")
        f.submit_lines(conn, origin, tmp_path, [SELECTOR], tlp="amber")
        assert reads.search(conn, other, SELECTOR) == []
        assert len(reads.search(conn, origin, SELECTOR)) == 1


def test_group_membership_change_applies_at_once(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        origin = f.member(conn, "Origin Police", role="contributor")
        bank = f.member(conn, "Late Bank", kind="private", role="reader")
        partners.add_group(conn, f.OPERATOR, "Banks", [])
        f.submit_lines(conn, origin, tmp_path, [SELECTOR], tlp="amber",
                       audience=["group:Banks"])
        assert reads.search(conn, bank, SELECTOR) == []
        partners.set_group_members(conn, f.OPERATOR, "Banks", ["Late Bank"], [])
        assert len(reads.search(conn, bank, SELECTOR)) == 1
        partners.set_group_members(conn, f.OPERATOR, "Banks", [], ["Late Bank"])
        assert reads.search(conn, bank, SELECTOR) == []


def test_audit_trail_shows_only_the_own_organisation(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        viewers, _ = _build(conn, tmp_path, "amber")
        reads.search(conn, viewers["recipient"], SELECTOR)
        stranger_trail = audit.trail(conn, viewers["stranger admin"])
        host_trail = audit.trail(conn, viewers["host admin"])
    leaked = [e for e in stranger_trail + host_trail
              if e.action in ("contribution.submit", "pool.search")]
    assert leaked == []
    assert stranger_trail and all("Stranger CERT" in str(e.detail) for e in stranger_trail)
