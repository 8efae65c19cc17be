"""An access request keeps naming its hit while the hit exists, and names none once matching
folded it into a widespread selector, on both stores. No foreign key does this since hits
are partitioned on PostgreSQL (migration 0022): the code that deletes hits does (a
rematch's vanished hits: tests/matching/test_rematch.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.config import Settings
from intelpool.matching import access_requests, hits
from tests import factories as f
from tests.conftest import Store

IP = "45.137.21.9"


def _requested(store: Store, tmp_path: Path, settings: Settings
               ) -> tuple[Principal, Principal, int]:
    """The bank asks the police for their data behind the hit on IP (hidden: TLP:AMBER)."""
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        bank = f.member(conn, "Bank NL", kind="private", role="contributor")
        f.submit_lines(conn, police, tmp_path, [IP], tlp="amber", settings=settings)
        f.submit_lines(conn, bank, tmp_path, [IP], tlp="amber", settings=settings)
        [hit] = hits.list_hits(conn, bank).hits
        request = access_requests.request_access(conn, bank, hit.id, "the same C2")
    assert request.hit_id == hit.id
    return police, bank, request.id


def _links(conn: Connection, who: Principal) -> list[int | None]:
    stored = conn.exec_driver_sql("SELECT hit_id FROM access_requests").scalars().all()
    shown = [r.hit_id for r in access_requests.list_requests(conn, who)]
    assert shown == stored
    return shown


def test_folding_a_widespread_selector_unlinks_the_requests(
        store: Store, tmp_path: Path) -> None:
    settings = Settings(widespread_threshold=2)
    police, _bank, request_id = _requested(store, tmp_path, settings)
    with store.begin() as conn:
        third = f.member(conn, "CERT EE", kind="cert", role="contributor")
        summary = f.submit_lines(conn, third, tmp_path, [IP], settings=settings)
        links = _links(conn, police)
        [request] = access_requests.list_requests(conn, police)
    assert summary.folded_hits == 1
    assert links == [None]
    assert (request.id, request.status) == (request_id, "pending")  # the request stays
