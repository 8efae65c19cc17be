"""Hits between partners under every visibility combination; strangers learn nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, select

from intelpool.access import Principal
from intelpool.audit import notifications
from intelpool.audit import service as audit
from intelpool.config import Settings
from intelpool.db.tables import contribution_grants
from intelpool.errors import InvalidInput, NotFound
from intelpool.matching import access_requests, engine, hits, probe
from intelpool.matching.summary import PartnerHits
from intelpool.pool import reads
from tests import factories as f
from tests.conftest import Store

IP = "45.137.21.9"


@pytest.fixture
def parties(store: Store) -> dict[str, Principal]:
    with store.begin() as conn:
        return {
            "police": f.member(conn, "Police DE", role="contributor"),
            "bank": f.member(conn, "Bank NL", kind="private", role="contributor"),
            "stranger": f.member(conn, "Stranger CERT", kind="cert", role="admin"),
        }


def _hits(conn: Connection, who: Principal) -> list[hits.HitView]:
    return hits.list_hits(conn, who).hits


def test_both_sides_visible(store: Store, tmp_path: Path, parties: dict[str, Principal]) -> None:
    with store.begin() as conn:
        f.submit_lines(conn, parties["police"], tmp_path, [IP], themes=["botnet"])
        summary = f.submit_lines(conn, parties["bank"], tmp_path, [IP, "unrelated.net"])
        [bank_view] = _hits(conn, parties["bank"])
        [police_view] = _hits(conn, parties["police"])
    assert (summary.new_hits, summary.refreshed_hits) == (1, 0)
    assert summary.hit_partners == {"Police DE": PartnerHits(new=1)}
    assert (bank_view.kind, bank_view.partner, bank_view.partner_visible) == (
        "exact", "Police DE", True)
    assert bank_view.partner_selector == f"ipv4 {IP}" and bank_view.partner_themes == ["botnet"]
    assert (police_view.partner, police_view.partner_visible) == ("Bank NL", True)
    assert bank_view.id == police_view.id  # one row per observable and pair of organisations


@pytest.mark.parametrize(("tlp", "anonymous", "label"), [
    ("amber", False, "Police DE"), ("red", False, "Police DE"), ("amber", True, "a partner")])
def test_hidden_side_gets_hit_no_hit_only(
    store: Store, tmp_path: Path, parties: dict[str, Principal], tlp: str, anonymous: bool,
    label: str,
) -> None:
    with store.begin() as conn:
        f.submit_lines(conn, parties["police"], tmp_path, [IP, "45.137.21.10"], tlp=tlp,
                       anonymous=anonymous, themes=["intrusion"], codes=["H1"])
        summary = f.submit_lines(conn, parties["bank"], tmp_path, [IP])
        [view] = _hits(conn, parties["bank"])
        searched = reads.search(conn, parties["bank"], IP)
        [police_view] = _hits(conn, parties["police"])
    assert (view.partner, view.partner_visible, view.partner_selector,
            view.partner_contributions) == (label, False, None, [])
    # The submit summary keeps anonymity too.
    assert summary.hit_partners == {label: PartnerHits(new=1)}
    assert view.partner_themes == ["intrusion"] and view.partner_received is not None
    assert [s.originator for s in searched] == ["Bank NL"]
    assert (police_view.partner, police_view.partner_visible) == ("Bank NL", True)


def _hidden_hit(store: Store, tmp_path: Path, parties: dict[str, Principal],
                codes: list[str]) -> int:
    with store.begin() as conn:
        f.submit_lines(conn, parties["police"], tmp_path, [IP, "45.137.21.10"], tlp="amber",
                       codes=codes)
        f.submit_lines(conn, parties["bank"], tmp_path, [IP], tlp="amber")
        return _hits(conn, parties["bank"])[0].id


def test_grant_releases_the_contribution_with_consent(
    store: Store, tmp_path: Path, parties: dict[str, Principal]
) -> None:
    hit_id = _hidden_hit(store, tmp_path, parties, ["H2"])
    police, bank = parties["police"], parties["bank"]
    with store.begin() as conn:
        request = access_requests.request_access(conn, bank, hit_id, "same C2 in our case")
        with pytest.raises(InvalidInput, match="already pending"):
            access_requests.request_access(conn, bank, hit_id, "again")
        [pending] = access_requests.list_requests(conn, police, status="pending")
        granted = access_requests.decide(conn, police, request.id, grant=True, note="ok")
        consent = conn.execute(select(contribution_grants.c.consent)).scalar_one()
        [view] = _hits(conn, bank)
        seen = {s.value for s in reads.search(conn, bank, "45.137.21.10")}
        police_notes = [n.kind for n in notifications.inbox(conn, police)]
        bank_notes = [n.kind for n in notifications.inbox(conn, bank)]
        trail = [e.action for e in audit.trail(conn, f.user(conn, "Police DE", "admin"))]
    assert (pending.id, pending.requester, pending.h2) == (request.id, "Bank NL", True)
    assert granted.status == "granted" and "released to Bank NL" in consent
    assert view.partner_visible and seen == {"45.137.21.10"}
    assert "access-request" in police_notes and "access-granted" in bank_notes
    assert {"access.request", "access.granted"} <= set(trail)


def test_denial_keeps_the_data_hidden(
    store: Store, tmp_path: Path, parties: dict[str, Principal]
) -> None:
    hit_id = _hidden_hit(store, tmp_path, parties, ["H1"])
    with store.begin() as conn:
        request = access_requests.request_access(conn, parties["bank"], hit_id, "need it")
        with pytest.raises(NotFound):
            access_requests.decide(conn, parties["bank"], request.id, grant=True)
        denied = access_requests.decide(conn, parties["police"], request.id, grant=False,
                                        note="ongoing case")
        with pytest.raises(InvalidInput, match="already denied"):
            access_requests.decide(conn, parties["police"], request.id, grant=True)
        [view] = _hits(conn, parties["bank"])
        assert reads.search(conn, parties["bank"], "45.137.21.10") == []
    assert denied.status == "denied" and not view.partner_visible


def test_stranger_learns_nothing_of_the_hit(
    store: Store, tmp_path: Path, parties: dict[str, Principal]
) -> None:
    hit_id = _hidden_hit(store, tmp_path, parties, [])
    stranger = parties["stranger"]
    with store.begin() as conn:
        assert hits.list_hits(conn, stranger) == hits.HitsReport()
        assert notifications.inbox(conn, stranger) == []
        assert reads.search(conn, stranger, IP) == []
        with pytest.raises(NotFound):
            access_requests.request_access(conn, stranger, hit_id, "curious")
        assert access_requests.list_requests(conn, stranger) == []
        actions = {e.action for e in audit.trail(conn, stranger)}
    assert actions <= {"organisation.add", "user.add", "hits.list", "pool.search"}


def test_warninglisted_values_never_hit(
    store: Store, tmp_path: Path, parties: dict[str, Principal]
) -> None:
    noise = ["8.8.8.8", "10.1.2.3", "d41d8cd98f00b204e9800998ecf8427e", "www.example.com"]
    with store.begin() as conn:
        f.submit_lines(conn, parties["police"], tmp_path, noise)
        summary = f.submit_lines(conn, parties["bank"], tmp_path, noise)
        warnings = {r.value: r.warning for r in reads.search(conn, parties["bank"], "8.8.8.8")}
    assert (summary.new_hits, summary.refreshed_hits) == (0, 0)
    assert warnings == {"8.8.8.8": "intelpool public-dns-resolvers"}


def test_a_new_selector_warninglisted_on_arrival_never_hits(
    store: Store, tmp_path: Path, parties: dict[str, Principal]
) -> None:
    """The submission that brings a listed value to the pool marks it before matching, so
    it meets nothing, not even a network another partner holds that contains it."""
    with store.begin() as conn:
        f.submit_lines(conn, parties["police"], tmp_path, ["8.8.0.0/16"])
        summary = f.submit_lines(conn, parties["bank"], tmp_path, ["8.8.8.8", "8.8.4.7"])
        report = hits.list_hits(conn, parties["bank"])
    assert summary.new_hits == 1  # 8.8.4.7 is not listed: it meets the network
    assert [h.selector for h in report.hits] == ["ipv4 8.8.4.7"]


def test_widespread_selector_is_reported_once(
    store: Store, tmp_path: Path, parties: dict[str, Principal]
) -> None:
    settings = Settings(widespread_threshold=2)
    with store.begin() as conn:
        f.submit_lines(conn, parties["police"], tmp_path, [IP], settings=settings)
        first = f.submit_lines(conn, parties["bank"], tmp_path, [IP], settings=settings)
        third = f.submit_lines(conn, parties["stranger"], tmp_path, [IP], settings=settings)
        report = hits.list_hits(conn, parties["bank"])
    assert (first.new_hits, third.new_hits, third.widespread, third.folded_hits) == (1, 0, 1, 1)
    assert report.hits == []
    assert [(w.selector, w.organisations) for w in report.widespread] == [(f"ipv4 {IP}", 3)]


@pytest.mark.parametrize(("police", "bank", "kind", "bank_side"), [
    ("45.137.0.0/16", IP, "cidr", f"ipv4 {IP}"),
    (IP, "45.137.0.0/16", "cidr", "cidr 45.137.0.0/16"),
    ("c2-matchtest.net", "http://c2-matchtest.net/gate.php", "url-host",
     "url http://c2-matchtest.net/gate.php"),
    ("http://c2-matchtest.net/gate.php", "c2-matchtest.net", "url-host",
     "domain c2-matchtest.net"),
    ("c2-matchtest.net", "login.c2-matchtest.net", "subdomain",
     "domain login.c2-matchtest.net"),
    ("login.c2-matchtest.net", "c2-matchtest.net", "subdomain", "domain c2-matchtest.net"),
    ("c2-matchtest.net", "a.login.c2-matchtest.net", "subdomain",
     "domain a.login.c2-matchtest.net"),
    ("a.login.c2-matchtest.net", "c2-matchtest.net", "subdomain", "domain c2-matchtest.net"),
    ("c2-matchtest.net", "mule@c2-matchtest.net", "email-domain",
     "email mule@c2-matchtest.net"),
    ("mule@c2-matchtest.net", "c2-matchtest.net", "email-domain", "domain c2-matchtest.net"),
])
def test_containment_matches_in_either_order(
    store: Store, tmp_path: Path, parties: dict[str, Principal], police: str, bank: str,
    kind: str, bank_side: str,
) -> None:
    with store.begin() as conn:
        f.submit_lines(conn, parties["police"], tmp_path, [police], tlp="amber")
        summary = f.submit_lines(conn, parties["bank"], tmp_path, [bank])
        [view] = _hits(conn, parties["bank"])
        [police_view] = _hits(conn, parties["police"])
    assert summary.new_hits == 1
    assert (view.kind, view.selector, view.partner_visible) == (kind, bank_side, False)
    assert police_view.partner_selector == bank_side


def test_every_address_of_a_large_submission_meets_the_cidr_holding_it(
    store: Store, tmp_path: Path, parties: dict[str, Principal],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Candidate keys are made a chunk of addresses at a time: none may be lost between chunks.
    monkeypatch.setattr(probe, "_CHUNK", 2)
    addresses = [f"45.137.{i}.9" for i in range(5)]
    with store.begin() as conn:
        f.submit_lines(conn, parties["police"], tmp_path, ["45.137.0.0/16", "10.0.0.0/8"],
                       tlp="amber")
        summary = f.submit_lines(conn, parties["bank"], tmp_path, addresses)
        views = _hits(conn, parties["bank"])
    assert summary.new_hits == 5
    assert sorted(v.selector for v in views) == [f"ipv4 {a}" for a in addresses]


def test_rematch_rebuilds_the_same_hits(
    store: Store, tmp_path: Path, parties: dict[str, Principal]
) -> None:
    with store.begin() as conn:
        f.submit_lines(conn, parties["police"], tmp_path,
                       [IP, "45.137.0.0/16", "c2-matchtest.net", "mule@c2-matchtest.net"])
        f.submit_lines(conn, parties["bank"], tmp_path,
                       [IP, "45.137.9.9", "www.c2-matchtest.net", "http://c2-matchtest.net/"])
        before = sorted((h.kind, h.selector) for h in _hits(conn, parties["bank"]))
        summary = engine.rematch(conn, Settings())
        after = sorted((h.kind, h.selector) for h in _hits(conn, parties["bank"]))
    assert before == after and summary.hits == len(before) == 5


def _stored(conn: Connection) -> tuple[list[tuple[int, ...]], list[tuple[int, int]]]:
    rows = conn.exec_driver_sql(
        "SELECT observable_a_id, observable_b_id, org_a_id, org_b_id, kind, contribution_a_id, "
        "contribution_b_id FROM hits").all()
    spread = conn.exec_driver_sql("SELECT observable_id, organisations FROM widespread").all()
    return sorted(tuple(r) for r in rows), sorted(tuple(r) for r in spread)


def test_rematch_records_what_the_submissions_recorded(
    store: Store, tmp_path: Path, parties: dict[str, Principal]
) -> None:
    """Every pair of holders once, each side's latest contribution, widespread selectors
    recorded once: the same rows whether found submission by submission or by a rematch of
    the whole pool (which PostgreSQL computes for the whole pool at once)."""
    police, bank, cert = parties["police"], parties["bank"], parties["stranger"]
    settings = Settings(widespread_threshold=2)
    with store.begin() as conn:
        f.submit_lines(conn, police, tmp_path, ["spread.c2-wide.net", "pair.c2-wide.net"],
                       settings=settings)
        f.submit_lines(conn, bank, tmp_path, ["spread.c2-wide.net", "pair.c2-wide.net",
                                              "trio.c2-wide.net"], settings=settings)
        f.submit_lines(conn, cert, tmp_path, ["spread.c2-wide.net", "trio.c2-wide.net"],
                       settings=settings)
        # The police report the pair again: its hit names their newer contribution.
        f.submit_lines(conn, police, tmp_path, ["pair.c2-wide.net", "other.c2-wide.net"],
                       settings=settings)
        found = _stored(conn)
        engine.rematch(conn, settings)
        rebuilt = _stored(conn)
    assert rebuilt == found
    hit_rows, spread = found
    assert len(hit_rows) == 2 and len(spread) == 1 and spread[0][1] == 3
