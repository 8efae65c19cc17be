"""Operation and RFI pages on the services: to a stranger organisation every page and form of
another's operation or request reads exactly like one that does not exist."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.routing import APIRoute

from intelpool.operations import rfi, rfi_answers, service, work
from intelpool.web import page_operation_work, page_operations, page_rfis
from tests import factories as f
from tests.conftest import Store
from tests.web.helpers import SHARED, build_pool, csrf_of, signed_in

MISSING = 99_999
SECRET = "Operation Nightingale"


def _main(text: str) -> str:
    """The page's main part, every number made N (ids, and the CSRF token's digits alike)."""
    found = re.search(r"<main>.*</main>", text, re.S)
    assert found, text[-300:]
    return re.sub(r"\d+", "N", found.group(0))


def test_a_stranger_meets_only_missing_pages_on_operations_and_rfis(
        store: Store, tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    with store.begin() as conn:
        police = f.principal_for_email(conn, pool.police)
        bank = f.principal_for_email(conn, pool.bank)
        op = service.create(conn, police, SECRET, description="the secret plan")
        service.invite(conn, police, op, "Bank NL")
        service.join(conn, bank, op)
        task = work.add_task(conn, police, op, "Secret task", "Bank NL")
        day = work.add_action_day(conn, police, op, datetime.now(UTC) + timedelta(days=30),
                                  "DE", "arrest", [SHARED])
        asked = rfi.create(conn, police, rfi.RfiRequest(to=["Bank NL"],
                                                        question="Secret question?"))
        answer = rfi_answers.answer(conn, bank, asked, "Secret answer")
    ids = {"operation_id": op, "task_id": task, "day_id": day, "rfi_id": asked,
           "answer_id": answer, "number": "DC-1"}
    stranger = signed_in(store.engine, pool.stranger)
    token = csrf_of(stranger.get("/operations").text)
    for path in ("/", "/operations", "/rfis", "/rfis?box=outbox", "/rfis/new"):
        page = stranger.get(path)
        assert page.status_code == 200, path
        assert not re.search("Secret|Nightingale|secret plan", page.text), path
    form = {"csrf": token, "organisation": "CERT XX", "decision": "join", "status": "active",
            "until": "", "action": "reveal", "text": "x", "assignee": "CERT XX",
            "state": "done", "at": "2031-01-01T00:00", "country": "DE", "selectors": SHARED,
            "contribution": "1", "what": "close", "kind": "note"}
    for module in (page_operations, page_operation_work, page_rfis):
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            if "{" not in route.path:
                continue
            real = route.path.format(**ids)
            missing = re.sub(r"\{[^}]+\}", str(MISSING), route.path)
            method = "GET" if "GET" in route.methods else "POST"
            sent = {**form, "decision": "go"} if "action-days/" in route.path else form
            seen = stranger.request(method, real, data=sent if method == "POST" else None)
            never = stranger.request(method, missing, data=sent if method == "POST" else None)
            assert seen.status_code == never.status_code == 404, (real, seen.status_code)
            assert _main(seen.text) == _main(never.text), real
            assert "Secret" not in seen.text and SECRET not in seen.text, real
    # Nothing the stranger sent changed the operation.
    with store.begin() as conn:
        members = service.show(conn, police, op).members
    assert {m.organisation for m in members} == {"Police DE", "Bank NL"}



def test_a_stricter_answer_waits_for_consent_on_the_rfi_page(store: Store,
                                                              tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    police = signed_in(store.engine, pool.police)
    token = csrf_of(police.get("/rfis/new").text)
    made = police.post("/rfis", data={"csrf": token, "to": "org:Bank NL", "tlp": "green",
                                      "question": "Which accounts received the money?",
                                      "answer_tlp": "green"})
    assert made.status_code == 200 and re.search(r"/rfis/\d+$", str(made.url)), made.text[-300:]
    page = made.url.path
    bank = signed_in(store.engine, pool.bank)
    bank_token = csrf_of(bank.get(page).text)
    answered = bank.post(f"{page}/answer", data={"csrf": bank_token, "text": "See the list",
                                                 "tlp": "amber", "format": "text"},
                         files={"file": ("accounts.txt", b"consent-held-drop.example\n")})
    assert "it waits for your consent" in answered.text
    assert "consent-held-drop" not in police.get(page).text
    assert "See the list" not in police.get(page).text
    consent = re.search(r'action="(/rfis/\d+/answers/\d+/consent)"', answered.text)
    assert consent, "no consent form for the answerer"
    released = bank.post(consent.group(1), data={"csrf": bank_token})
    assert "it waits for your consent" not in released.text
    shown = police.get(page).text
    assert "See the list" in shown
    contribution = re.search(r'href="(/contributions/\d+)"', shown)
    assert contribution and "consent-held-drop.example" in police.get(contribution.group(1)).text
