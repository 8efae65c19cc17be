"""Held takedown notes and requests on the pages: the lead lists and releases them, nobody
else sees them; the lead renews its targets in the deconfliction register."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import update

from intelpool.db.tables import operation_targets
from intelpool.operations import links, rfi, service
from tests import factories as f
from tests.conftest import Store
from tests.web.helpers import SHARED, build_pool, csrf_of, signed_in


def _police_operation(store: Store, police_email: str, bank_email: str) -> int:
    """Police DE leads an operation on SHARED; Bank NL takes part."""
    with store.begin() as conn:
        police = f.principal_for_email(conn, police_email)
        op = service.create(conn, police, "Operation Kestrel")
        service.invite(conn, police, op, "Bank NL")
        service.join(conn, f.principal_for_email(conn, bank_email), op)
        links.link(conn, police, op, [SHARED], [])
    return op


def test_a_held_note_waits_for_the_lead_who_alone_releases_it(store: Store,
                                                              tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    op = _police_operation(store, pool.police, pool.bank)
    bank = signed_in(store.engine, pool.bank)
    page = f"/operations/{op}"
    sent = bank.post(f"{page}/notes", data={
        "csrf": csrf_of(bank.get(page).text), "kind": "note", "text": "Please take it down",
        "takedown": f"login.{SHARED}\n"})
    assert sent.status_code == 200 and 'id="note-held"' in sent.text
    assert "Please take it down" not in sent.text
    police = signed_in(store.engine, pool.police)
    listed = police.get("/held")
    assert "operation note" in listed.text and "Bank NL" in listed.text
    assert 'data-count="/operations">1<' in listed.text
    assert "Please take it down" not in listed.text  # a pointer, not the note
    assert 'id="held"' in police.get(page).text and 'id="held"' in police.get("/").text
    for other in (bank, signed_in(store.engine, pool.stranger)):
        assert 'id="nothing-held"' in other.get("/held").text
        assert 'id="held"' not in other.get("/").text
        assert 'data-count="/operations"' not in other.get("/held").text
    note = int(listed.text.split('id="held-operation_note-')[1].split('"')[0])
    refused = bank.post(f"/held/operation_note/{note}/release",
                        data={"csrf": csrf_of(bank.get("/held").text)})
    assert refused.status_code == 404 and f"no held note {note}" in refused.text
    released = police.post(f"/held/operation_note/{note}/release",
                           data={"csrf": csrf_of(listed.text), "back": page})
    assert released.status_code == 200 and released.url.path == page
    assert "Please take it down" in released.text
    assert 'id="nothing-held"' in police.get("/held").text


def test_a_held_request_is_released_from_the_held_page(store: Store, tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    _police_operation(store, pool.police, pool.bank)
    with store.begin() as conn:
        asked = rfi.create(conn, f.principal_for_email(conn, pool.bank), rfi.RfiRequest(
            to=["CERT XX"], question="Take it down?", selectors=[SHARED], takedown=True))
    cert = signed_in(store.engine, pool.stranger)
    assert f"/rfis/{asked}" not in cert.get("/rfis").text
    police = signed_in(store.engine, pool.police)
    listed = police.get("/held")
    assert f'id="held-rfi-{asked}"' in listed.text
    police.post(f"/held/rfi/{asked}/release", data={"csrf": csrf_of(listed.text)})
    assert f"/rfis/{asked}" in cert.get("/rfis").text


def test_the_lead_renews_its_targets_and_a_participant_may_not(store: Store,
                                                               tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    op = _police_operation(store, pool.police, pool.bank)
    page = f"/operations/{op}"
    police = signed_in(store.engine, pool.police)
    shown = police.get(page)
    assert 'id="register-expiry"' in shown.text and "Renew for 24 months" in shown.text
    bank = signed_in(store.engine, pool.bank)
    seen = bank.get(page)
    assert 'id="register-expiry"' in seen.text and "Renew for" not in seen.text
    refused = bank.post(f"{page}/renew", data={"csrf": csrf_of(seen.text)})
    assert refused.status_code in (403, 404)
    with store.begin() as conn:
        conn.execute(update(operation_targets).values(
            expires_at=datetime(2030, 1, 2, tzinfo=UTC)))
    assert "2030-01-02" in police.get(page).text
    renewed = police.post(f"{page}/renew", data={"csrf": csrf_of(shown.text)})
    assert renewed.status_code == 200 and "2030-01-02" not in renewed.text
