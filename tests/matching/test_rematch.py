"""A rematch brings the stored hits to what the pool makes now, in place.

Hits found again keep their ids and whatever points at them (access requests); a hit the
pool no longer makes goes, and its access requests keep no link; a hit only the rematch finds
is announced to both sides once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.audit import notifications
from intelpool.config import Settings
from intelpool.db.retype import retype_observables
from intelpool.matching import access_requests, engine, hits
from tests import factories as f
from tests.conftest import Store


@pytest.fixture
def parties(store: Store) -> dict[str, Principal]:
    with store.begin() as conn:
        return {
            "police": f.member(conn, "Police DE", role="contributor"),
            "bank": f.member(conn, "Bank NL", kind="private", role="contributor"),
            "cert": f.member(conn, "CERT FR", kind="cert", role="contributor"),
        }


def _hit_rows(conn: Connection) -> list[tuple[Any, ...]]:
    return sorted(tuple(r) for r in conn.exec_driver_sql(
        "SELECT id, observable_a_id, observable_b_id, org_a_id, org_b_id, kind, "
        "contribution_a_id, contribution_b_id, first_at, last_at FROM hits"))


def _links(conn: Connection) -> list[tuple[int, int | None]]:
    return sorted((int(r[0]), r[1]) for r in conn.exec_driver_sql(
        "SELECT id, hit_id FROM access_requests"))


def _hit_notices(conn: Connection, who: Principal) -> int:
    return sum(n.kind == "hit" for n in notifications.inbox(conn, who))


def test_rematch_of_an_unchanged_pool_changes_no_hit(
    store: Store, tmp_path: Path, parties: dict[str, Principal]
) -> None:
    police, bank, cert = parties["police"], parties["bank"], parties["cert"]
    with store.begin() as conn:
        f.submit_lines(conn, police, tmp_path, ["45.137.21.9", "45.137.0.0/16",
                                                "c2-rematch.net", "mule@c2-rematch.net"],
                       tlp="amber")
        f.submit_lines(conn, bank, tmp_path, ["45.137.21.9", "45.137.9.9", "www.c2-rematch.net",
                                              "http://c2-rematch.net/gate.php"])
        f.submit_lines(conn, cert, tmp_path, ["45.137.21.9", "c2-rematch.net"])
        hidden = next(h for h in hits.list_hits(conn, bank).hits if not h.partner_visible)
        access_requests.request_access(conn, bank, hidden.id, "same C2 in our case")
        before, links = _hit_rows(conn), _links(conn)
        notices = (_hit_notices(conn, police), _hit_notices(conn, bank),
                   _hit_notices(conn, cert))
        summary = engine.rematch(conn, Settings())
        after = _hit_rows(conn)
        assert _links(conn) == links == [(links[0][0], hidden.id)]
        assert (_hit_notices(conn, police), _hit_notices(conn, bank),
                _hit_notices(conn, cert)) == notices
    # Ids, contributions and dates alike: nothing was rewritten. 4 exact hits (the address
    # three ways, the domain once) and 8 of containment (addresses in the network, the name
    # below the domain, the URL and the e-mail address on it, each with each holder).
    assert after == before and summary.hits == len(before) == 12


def test_a_hit_behind_its_latest_contribution_is_rewritten_in_place(
    store: Store, tmp_path: Path, parties: dict[str, Principal]
) -> None:
    police, bank = parties["police"], parties["bank"]
    with store.begin() as conn:
        first = f.submit_lines(conn, police, tmp_path, ["45.137.21.9"])
        f.submit_lines(conn, bank, tmp_path, ["45.137.21.9"])
        latest = f.submit_lines(conn, police, tmp_path, ["45.137.21.9", "10.1.2.3"])
        # The hit names the police's first contribution, not their latest holding the
        # address (as merging two forms of one selector can leave it).
        conn.exec_driver_sql(f"UPDATE hits SET contribution_a_id = {first.contribution_id}")
        [(hit_id, *_rest, first_at, last_at)] = _hit_rows(conn)
        engine.rematch(conn, Settings())
        [(same_id, *_pair, contribution_a, _cb, first_at_now, last_at_now)] = _hit_rows(conn)
    assert (same_id, contribution_a, first_at_now) == (hit_id, latest.contribution_id,
                                                       first_at)
    assert last_at_now > last_at


def _old_style_subdomain_hit(conn: Connection, tmp_path: Path, police: Principal,
                             bank: Principal) -> None:
    """Names of a private top-level domain, stored as domains the way pools once typed them:
    the bank's is below the police's, a subdomain hit that no submission recorded."""
    f.submit_lines(conn, police, tmp_path, ["shop.corp"], tlp="amber")
    f.submit_lines(conn, bank, tmp_path, ["www.shop.corp"])
    conn.exec_driver_sql("UPDATE observables SET type = 'domain' "
                         "WHERE value IN ('shop.corp', 'www.shop.corp')")


def test_a_hit_found_only_by_a_rematch_is_announced_once(
    store: Store, tmp_path: Path, parties: dict[str, Principal]
) -> None:
    police, bank, cert = parties["police"], parties["bank"], parties["cert"]
    with store.begin() as conn:
        _old_style_subdomain_hit(conn, tmp_path, police, bank)
        assert hits.list_hits(conn, bank).hits == []
        engine.rematch(conn, Settings())
        [found] = hits.list_hits(conn, bank).hits
        first = (_hit_notices(conn, police), _hit_notices(conn, bank), _hit_notices(conn, cert))
        engine.rematch(conn, Settings())
        [again] = hits.list_hits(conn, bank).hits
        second = (_hit_notices(conn, police), _hit_notices(conn, bank),
                  _hit_notices(conn, cert))
    assert (found.kind, found.selector) == ("subdomain", "domain www.shop.corp")
    assert first == second == (1, 1, 0) and again.id == found.id


def test_a_hit_retyped_away_goes_and_its_access_request_lets_go(
    store: Store, tmp_path: Path, parties: dict[str, Principal]
) -> None:
    police, bank = parties["police"], parties["bank"]
    with store.begin() as conn:
        _old_style_subdomain_hit(conn, tmp_path, police, bank)
        f.submit_lines(conn, police, tmp_path, ["45.137.21.9"], tlp="amber")
        f.submit_lines(conn, bank, tmp_path, ["45.137.21.9"])
        engine.rematch(conn, Settings())
        views = {h.kind: h for h in hits.list_hits(conn, bank).hits}
        gone = access_requests.request_access(conn, bank, views["subdomain"].id, "our shop")
        kept = access_requests.request_access(conn, bank, views["exact"].id, "our server")
        # Settled as host names, the two are no longer domain and subdomain.
        assert retype_observables(conn) == 2
        engine.rematch(conn, Settings())
        left = [(h.id, h.kind) for h in hits.list_hits(conn, bank).hits]
        links = dict(_links(conn))
    assert left == [(views["exact"].id, "exact")]
    assert links == {gone.id: None, kept.id: views["exact"].id}
