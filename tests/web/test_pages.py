"""Every page on the services: CSRF on every form, and a stranger sees nothing hidden."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.routing import APIRoute
from sqlalchemy import func, select

from intelpool.db.tables import (
    access_requests,
    audit_events,
    contributions,
    organisations,
    sharing_groups,
    tokens,
    users,
)
from intelpool.web import PAGE_MODULES
from tests.conftest import Store
from tests.web.helpers import (
    HIDDEN_ONLY,
    HIDDEN_TITLE,
    SHARED,
    build_pool,
    csrf_of,
    signed_in,
)

COUNTED = (access_requests, contributions, organisations, sharing_groups, tokens, users)


def _post_routes() -> list[str]:
    paths = []
    for module in PAGE_MODULES:
        for route in module.router.routes:
            if isinstance(route, APIRoute) and "POST" in route.methods:
                paths.append(re.sub(r"\{[^}]+\}", "1", route.path))
    return paths


def test_every_form_refuses_a_request_without_its_csrf_token(store: Store,
                                                              tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    client = signed_in(store.engine, pool.police_admin)
    posts = [p for p in _post_routes() if p != "/sign-in"]  # sign-in: test_sign_in.py
    assert {"/sign-out", "/submit", "/hits/request", "/admin/users"} <= set(posts)

    def counts() -> list[int]:
        with store.begin() as conn:
            return [conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in COUNTED]

    before = counts()
    data = {"email": "new@police-de.example", "organisation": "Police DE", "role": "reader",
            "name": "New", "kind": "other", "hit": "1", "reason": "x", "decision": "grant",
            "tlp": "green"}
    for path in posts:
        for sent in ({**data, "csrf": "forged"}, data):
            response = client.post(path, data=sent, files={"file": ("a.txt", b"1.2.3.4\n")}
                                   if path == "/submit" else None)
            assert response.status_code == 403, (path, response.status_code)
            assert "did not come from intelpool" in response.text
    assert counts() == before
    # The same request with the token goes through.
    token = csrf_of(client.get("/admin").text)
    added = client.post("/admin/users", data={**data, "csrf": token})
    assert added.status_code == 200 and 'id="new-password"' in added.text


def test_a_stranger_sees_nothing_of_hidden_data_on_any_page(store: Store,
                                                            tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    stranger = signed_in(store.engine, pool.stranger)
    hidden = pool.hidden_contribution
    pages = ["/", "/contributions", "/contributions?mine=true", "/contributions.csv",
             f"/contributions?text={HIDDEN_TITLE[:9]}", "/hits", "/hits.csv",
             "/access-requests", f"/search?q={SHARED}", f"/search.csv?q={HIDDEN_ONLY}",
             f"/selector?value={SHARED}", f"/contributions/{hidden}",
             f"/contributions/{hidden}?page=2", "/operations", "/operations.csv", "/rfis",
             "/rfis.csv", "/deconfliction.csv"]
    for path in pages:
        response = stranger.get(path)
        assert HIDDEN_TITLE not in response.text, path
        assert f'/contributions/{hidden}"' not in response.text, path
    # A hidden contribution reads exactly like one that does not exist.
    missing = stranger.get("/contributions/99999")
    shown = stranger.get(f"/contributions/{hidden}")
    assert shown.status_code == missing.status_code == 404
    def main(text: str, ident: int) -> str:
        found = re.search(r"<main>.*</main>", text, re.S)
        assert found
        return found.group(0).replace(f"contribution {ident}", "contribution N")

    assert main(shown.text, hidden) == main(missing.text, 99999)
    listing = stranger.get("/contributions")
    assert "1 in all" in listing.text  # the bank's, for the pool; not the police's
    # Searching the hidden value shows the stranger nothing of its content or holder's file.
    search = stranger.get(f"/search?q={HIDDEN_ONLY}")
    assert "Nothing you may see holds this selector" in search.text or "holds data" in search.text
    assert HIDDEN_TITLE not in search.text


def test_pages_render_for_their_users_and_audit_the_reads(store: Store,
                                                          tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    police = signed_in(store.engine, pool.police_admin)
    for path in ["/", "/search", f"/search?q=hxxp://{SHARED.replace('.', '[.]')}",
                 "/contributions", f"/contributions/{pool.hidden_contribution}",
                 f"/selector?value={SHARED}", "/submit", "/hits", "/access-requests",
                 "/admin", "/audit", "/audit.csv", "/contributions.csv?sort=title"]:
        response = police.get(path)
        assert response.status_code == 200, (path, response.text[-300:])
    with store.begin() as conn:
        actions = set(conn.execute(select(audit_events.c.action)).scalars())
    assert {"pool.search", "contribution.show", "session.sign-in"} <= actions
    csv_text = police.get("/contributions.csv").text
    assert csv_text.splitlines()[0].startswith("id,originator,received_at,title,format,tlp,pap")
    assert HIDDEN_TITLE in csv_text and "amber" in csv_text


def test_submit_refuses_what_the_command_line_refuses_and_lists_rejections(
        store: Store, tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    police = signed_in(store.engine, pool.police)
    token = csrf_of(police.get("/submit").text)

    def count() -> int:
        with store.begin() as conn:
            return int(conn.execute(select(func.count()).select_from(contributions))
                       .scalar_one())

    before = count()
    refused = police.post("/submit", data={"csrf": token, "tlp": "red", "audience": "pool",
                                           "title": "Red to all"},
                          files={"file": ("list.txt", b"refused-red.net\n")})
    assert refused.status_code == 422
    assert "TLP:RED may not have audience pool" in refused.text
    assert 'value="Red to all"' in refused.text  # the form comes back as filled in
    conflicting = police.post("/submit", data={"csrf": token, "tlp": "clear", "codes": "H2"},
                              files={"file": ("list.txt", b"refused-red.net\n")})
    assert "H2 (no dissemination without permission) contradicts TLP:CLEAR" in conflicting.text
    assert count() == before
    stored = police.post("/submit", data={"csrf": token, "tlp": "amber", "format": "text",
                                          "audience": ["org:Bank NL"], "codes": "H1"},
                         files={"file": ("list.txt", b"kept-amber.net\nnot a selector\n")})
    assert stored.status_code == 200 and "1 accepted" in stored.text
    assert "not a selector" in stored.text and "line 2" in stored.text
    assert count() == before + 1
    bank = signed_in(store.engine, pool.bank)
    assert "kept-amber.net" in bank.get("/search?q=kept-amber.net").text


def test_pages_build_no_sql() -> None:
    """Pages call services; only repository modules issue queries."""
    import intelpool.web

    folder = Path(intelpool.web.__file__).parent
    for module in folder.glob("*.py"):
        source = module.read_text()
        imported = re.findall(r"from sqlalchemy[.\w]* import ([^\n]+)", source)
        assert all(name.strip() in {"Connection", "Engine"}
                   for line in imported for name in line.split(",")), module.name
        assert not re.search(r"\b(select|insert|update|delete|text)\(", source), module.name
        assert "intelpool.db.tables" not in source, module.name


def test_search_offers_a_one_click_request_where_a_hit_hides_the_partners_data(
        store: Store, tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    bank = signed_in(store.engine, pool.bank)
    token = csrf_of(bank.get("/submit").text)
    bank.post("/submit", data={"csrf": token, "tlp": "green", "format": "text"},
              files={"file": ("mine.txt", HIDDEN_ONLY.encode())})
    page = bank.get(f"/search?q={HIDDEN_ONLY}")
    assert "Police DE</strong> holds data on this selector you may not see" in page.text
    hit = re.search(r'name="hit" value="(\d+)"', page.text)
    assert hit, "no one-click request on the hit"
    asked = bank.post("/hits/request", data={"hit": hit.group(1), "reason": "our case 7"},
                      headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert asked.status_code == 200 and "sent to Police DE" in asked.text
    assert "<html" not in asked.text  # htmx gets the fragment only
    again = bank.post("/hits/request", data={"hit": hit.group(1), "reason": "again"},
                      headers={"X-CSRF-Token": token})
    assert again.status_code == 422 and "already pending" in again.text
