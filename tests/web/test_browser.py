"""The web interface in a real browser (headless Chromium), as users of three organisations."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import Live, Watched
from tests.web.helpers import HIDDEN_ONLY, HIDDEN_TITLE, SHARED, only_own_scripts

SignIn = Callable[..., tuple[Page, Watched]]
Shot = Callable[[Page, str], None]
PAYLOADS = ['<script>alert("value")</script>', '"><img src=x onerror=alert(1)>',
            "javascript:alert(document.domain)", "{{ 7*7 }}", "{% print 'x' %}",
            'http://xss-probe.net/"><script>alert(2)</script>', "xss-probe.net"]
PAYLOAD_TITLE = '<script>alert("title")</script>"onerror=alert(3) {{ 7*7 }}'


def _submit(page: Page, name: str, content: str, title: str, tlp: str = "amber",
            fmt: str = "auto") -> str:
    """Submit a file through the form; returns the new contribution's id."""
    page.goto("/submit")
    page.set_input_files("input[type=file]", files=[{"name": name, "mimeType": "text/plain",
                                                     "buffer": content.encode()}])
    page.fill("input[name=title]", title)
    page.check(f"input[name=tlp][value='{tlp}']")
    page.select_option("select[name=format]", fmt)
    page.click("button:has-text('Submit')")
    summary = page.locator("#summary")
    expect(summary).to_contain_text("Stored as contribution")
    href = summary.locator("a").first.get_attribute("href")
    assert href is not None
    return href.rsplit("/", 1)[1]


def test_sign_in_and_out(live: Live, sign_in_as: SignIn, shot: Shot) -> None:
    page, _ = sign_in_as(live.pool.police)
    expect(page.locator("header")).to_contain_text(live.pool.police)
    shot(page, "dashboard")
    page.click("button:has-text('Sign out')")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    shot(page, "sign-in")
    page.goto("/hits")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fhits"))
    page.fill("input[name=email]", live.pool.police)
    page.fill("input[name=password]", "not the password")
    page.click("button:has-text('Sign in')")
    expect(page.locator(".error")).to_contain_text("Wrong e-mail or password")
    shot(page, "sign-in-refused")


def test_search_a_defanged_value_and_a_pasted_list(live: Live, sign_in_as: SignIn,
                                                   shot: Shot) -> None:
    page, _ = sign_in_as(live.pool.police)
    page.keyboard.press("/")
    expect(page.locator("#q")).to_be_focused()
    page.locator("#q").fill(SHARED.replace(".", "[.]"))
    page.keyboard.press("Enter")
    results = page.locator("#results")
    expect(results).to_contain_text(f"domain {SHARED}")
    expect(results.locator(".tlp-green").first).to_have_text("TLP:GREEN")
    expect(results).to_contain_text("Bank NL")
    shot(page, "one")
    page.fill("#search-box", f"{SHARED}\n185.220.101[.]7\nno-such-thing.example.org")
    page.click("button:has-text('Search')")
    expect(page.locator("#results section")).to_have_count(3)
    expect(page.locator("#results")).to_contain_text("Nothing you may see holds this selector")
    shot(page, "list")
    page.locator("#results a", has_text=f"domain {SHARED}").first.click()
    expect(page.locator("h1")).to_have_text(f"domain {SHARED}")
    expect(page.locator("body")).to_contain_text("Score")
    shot(page, "selector")
    page.emulate_media(color_scheme="dark")
    page.goto("/search?q=" + quote(f"{SHARED}\n185.220.101.7", safe=""))
    shot(page, "dark")


def test_a_submitted_file_hits_and_the_originator_grants_access(
        live: Live, sign_in_as: SignIn, shot: Shot) -> None:
    police, _ = sign_in_as(live.pool.police)
    bank, _ = sign_in_as(live.pool.bank)
    cid = _submit(police, "police-case.txt", "185.220.101.7\npolice-only-c2.info\n",
                  "Police case 2026-114")
    expect(police.locator("#summary")).to_contain_text("refreshed with Bank NL")
    shot(police, "submitted")
    police.goto(f"/contributions/{cid}")
    expect(police.locator("h1")).to_contain_text("Police case 2026-114")
    expect(police.locator(".tlp-amber").first).to_be_visible()
    shot(police, "contribution")
    # The bank sees the hit, not the police's data, and asks for it.
    bank.goto("/hits?access=hidden")
    row = bank.locator("tr", has_text="185.220.101.7")
    expect(row).to_contain_text("Police DE")
    expect(row).to_contain_text("hidden")
    shot(bank, "hits")
    bank.goto(f"/contributions/{cid}")
    expect(bank.locator("h1")).to_have_text("Not found")
    bank.goto("/hits?access=hidden")
    bank.locator("tr", has_text="185.220.101.7").locator("input[name=hit]").check()
    bank.fill("input[name=reason]", "same C2 in our fraud case")
    bank.click("button:has-text('Ask for access to the selected')")
    expect(bank.locator("[role=status]")).to_contain_text("sent to Police DE")
    shot(bank, "requested")
    # The police decide in their own session.
    police.goto("/")
    expect(police.locator("body")).to_contain_text("same C2 in our fraud case")
    police.goto("/access-requests?status=pending")
    request_row = police.locator("tr", has_text="same C2 in our fraud case")
    shot(police, "access-requests")
    request_row.locator("input[name=note]").fill("for case 2026-114 only")
    request_row.locator("button:has-text('Grant')").click()
    expect(police.locator("tr", has_text="same C2 in our fraud case")).to_contain_text(
        "granted: for case 2026-114 only")
    shot(police, "granted")
    bank.goto(f"/contributions/{cid}")
    expect(bank.locator("h1")).to_contain_text("Police case 2026-114")
    expect(bank.locator("table.observations")).to_contain_text("police-only-c2.info")
    shot(bank, "contribution-granted")


def test_an_admin_creates_a_user_who_then_signs_in(live: Live, sign_in_as: SignIn,
                                                   shot: Shot) -> None:
    admin, _ = sign_in_as(live.pool.police_admin)
    admin.click("nav >> text=Administration")
    admin.fill("form[action='/admin/users'] input[name=email]", "new.analyst@police-de.example")
    admin.select_option("form[action='/admin/users'] select[name=role]", "contributor")
    admin.click("button:has-text('Add user')")
    password = admin.locator("#new-password").inner_text().strip()
    assert len(password) >= 12
    shot(admin, "user-added")
    admin.click("button:has-text('Create token')")
    expect(admin.locator("#new-token")).to_contain_text("ipt_")
    shot(admin, "token-created")
    admin.locator("button:has-text('Revoke')").first.click()
    expect(admin.locator("[role=status]")).to_contain_text("revoked token")
    admin.goto("/audit")
    expect(admin.locator("table")).to_contain_text("user.add")
    shot(admin, "audit")
    newcomer, _ = sign_in_as("new.analyst@police-de.example", password)
    expect(newcomer.locator("header")).to_contain_text("new.analyst@police-de.example")
    expect(newcomer.locator("nav")).not_to_contain_text("Administration")
    shot(newcomer, "newcomer")


def test_script_and_template_payloads_render_inert(live: Live, sign_in_as: SignIn,
                                                   shot: Shot) -> None:
    page, watched = sign_in_as(live.pool.police)
    cid = _submit(page, '"><img src=x onerror=alert(4)>.txt', "\n".join(PAYLOADS),
                  PAYLOAD_TITLE, tlp="green", fmt="text")
    summary = page.locator("#summary")
    expect(summary).to_contain_text('<script>alert("value")</script>')
    shot(page, "submit-summary")
    for path in (f"/contributions/{cid}", "/contributions", "/",
                 "/search?q=" + quote("\n".join(PAYLOADS[:5]), safe=""),
                 "/selector?value=" + quote(PAYLOADS[5], safe="")):
        page.goto(path)
        assert only_own_scripts(_script_sources(page)), path  # htmx and our own only
        assert page.locator("img").count() == 0, path
        assert page.locator("a[href^='javascript:']").count() == 0, path
        # 7*7 must not appear evaluated; times of day (16:49) are left out of the check.
        assert "49" not in re.sub(r"\d\d:\d\d", "", page.locator("main").inner_text()), path
        shot(page, path.strip("/").split("?")[0].replace("/", "-") or "dashboard")
    page.goto(f"/contributions/{cid}")
    expect(page.locator("h1")).to_contain_text(PAYLOAD_TITLE)
    expect(page.locator("main")).to_contain_text("{{ 7*7 }}")
    assert watched.dialogs == []


def test_a_form_without_its_csrf_token_is_refused(live: Live, sign_in_as: SignIn) -> None:
    page, _ = sign_in_as(live.pool.police_admin)
    response = page.request.post("/admin/users", form={
        "email": "forged@police-de.example", "organisation": "Police DE", "role": "admin"})
    assert response.status == 403
    page.goto("/admin")
    expect(page.locator("body")).not_to_contain_text("forged@police-de.example")


def test_a_stranger_sees_nothing_of_hidden_data(live: Live, sign_in_as: SignIn, shot: Shot,
                                                browser: Browser) -> None:
    page, _ = sign_in_as(live.pool.stranger)
    hidden = live.pool.hidden_contribution
    for path in ("/", "/contributions", "/hits", "/access-requests",
                 f"/search?q={HIDDEN_ONLY}", f"/selector?value={HIDDEN_ONLY}",
                 f"/contributions/{hidden}", f"/contributions?text={HIDDEN_TITLE[:9]}"):
        page.goto(path)
        content = page.content()
        assert HIDDEN_TITLE not in content and "Police case 2026-114" not in content, path
        assert "police-only-c2.info" not in content, path
        shot(page, path.strip("/").split("?")[0].replace("/", "-") or "dashboard")
    page.goto(f"/contributions/{hidden}")
    expect(page.locator("h1")).to_have_text("Not found")
    expect(page.locator("nav")).not_to_contain_text("Administration")
    expect(page.locator("nav")).not_to_contain_text("Audit")


def _script_sources(page: Page) -> list[str | None]:
    return [page.locator("script").nth(i).get_attribute("src")
            for i in range(page.locator("script").count())]
