"""Organisation settings, held takedown notes, renewing deconfliction and the navigation's
counts in a real browser, as users of three organisations."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect
from sqlalchemy import select

from intelpool.db.tables import hits
from intelpool.matching import access_requests
from intelpool.operations import links, service
from tests import factories as f
from tests.web.conftest import Live, Watched
from tests.web.helpers import HIDDEN_ONLY, SHARED, only_own_scripts

SignIn = Callable[..., tuple[Page, Watched]]
Shot = Callable[[Page, str], None]


def test_an_admin_changes_its_organisations_settings(live: Live, sign_in_as: SignIn,
                                                     shot: Shot) -> None:
    page, _ = sign_in_as(live.pool.police_admin)
    page.goto("/admin")
    page.click("#own-settings")
    expect(page.locator("h1")).to_have_text("Settings of Police DE")
    assert only_own_scripts(page.eval_on_selector_all(
        "script", "s => s.map(e => e.getAttribute('src'))"))
    page.locator("input[name=counted][value=no]").check()
    page.locator("form[action='/admin/settings/statistics'] button").click()
    expect(page.locator("#statistics-state")).to_contain_text("do not count")
    form = page.locator("form[action='/admin/settings/taxii']")
    form.locator("input[name=tlp][value=green]").check()
    form.locator("input[name=audience][value=pool]").check()
    form.locator("button").click()
    expect(page.locator("#taxii-state")).to_contain_text("TLP:GREEN")
    expect(page.locator("#taxii-state")).to_contain_text("pool")
    shot(page, "settings")
    form = page.locator("form[action='/admin/settings/taxii']")
    form.locator("input[name=tlp][value=red]").check()
    form.locator("button").click()
    expect(page.locator(".error")).to_contain_text("Refused:")
    expect(page.locator("#taxii-state")).to_contain_text("TLP:GREEN")
    shot(page, "settings-refused")
    analyst, _ = sign_in_as(live.pool.police)
    assert "/admin" not in [a.get_attribute("href") for a in analyst.locator("nav a").all()]
    refused = analyst.goto("/admin/settings")
    assert refused is not None and refused.status == 403


def test_the_lead_releases_a_held_note_and_renews_its_targets(live: Live, sign_in_as: SignIn,
                                                             shot: Shot) -> None:
    with live.engine.begin() as conn:
        police = f.principal_for_email(conn, live.pool.police)
        op = service.create(conn, police, "Operation Merlin")
        service.invite(conn, police, op, "Bank NL")
        service.join(conn, f.principal_for_email(conn, live.pool.bank), op)
        links.link(conn, police, op, [SHARED], [])
    bank, _ = sign_in_as(live.pool.bank)
    bank.goto(f"/operations/{op}")
    form = bank.locator(f"form[action='/operations/{op}/notes']").first
    form.locator("textarea[name=text]").fill("Please take the panel down")
    form.locator("textarea[name=takedown]").fill(f"login.{SHARED}")
    form.locator("button").click()
    expect(bank.locator("#note-held")).to_be_visible()
    expect(bank.locator("#notes")).not_to_contain_text("Please take the panel down")
    shot(bank, "note-held")
    lead, _ = sign_in_as(live.pool.police)
    expect(lead.locator("[data-count='/operations']")).to_have_text("1")
    expect(lead.locator("#held")).to_contain_text("Bank NL")
    lead.goto(f"/operations/{op}")
    expect(lead.locator("#held")).to_contain_text(f"domain {SHARED}")
    expect(lead.locator("#held")).not_to_contain_text("Please take the panel down")
    before = lead.locator("#register-expiry").inner_text()
    shot(lead, "held-on-operation")
    lead.locator("#held button:has-text('Release')").click()
    lead.wait_for_url(re.compile(rf"/operations/{op}"))
    expect(lead.locator("#notes")).to_contain_text("Please take the panel down")
    expect(lead.locator("[data-count='/operations']")).to_have_count(0)
    lead.locator(f"form[action='/operations/{op}/renew'] button").click()
    expect(lead.locator("#register-expiry")).to_be_visible()
    assert lead.locator("#register-expiry").inner_text() >= before
    shot(lead, "renewed")
    stranger, _ = sign_in_as(live.pool.stranger)
    stranger.goto("/held")
    expect(stranger.locator("#nothing-held")).to_be_visible()
    expect(stranger.locator("[data-count]")).to_have_count(0)


def test_the_navigation_counts_what_is_new(live: Live, sign_in_as: SignIn,
                                           shot: Shot) -> None:
    with live.engine.begin() as conn:
        bank = f.principal_for_email(conn, live.pool.bank)
        f.submit_lines(conn, bank, live.tmp, [HIDDEN_ONLY], tlp="amber")
        hit = conn.execute(select(hits.c.id).order_by(hits.c.id.desc())).scalars().first()
        assert hit is not None
        access_requests.request_access(conn, bank, hit, "our customers are affected")
    police, _ = sign_in_as(live.pool.police)
    police.goto("/search")
    expect(police.locator("[data-count='/hits']")).to_be_visible()
    expect(police.locator("[data-count='/access-requests']")).to_have_text("1")
    shot(police, "badges")
    police.click("nav a[href='/hits']")
    expect(police.locator("[data-count='/hits']")).to_have_count(0)
    stranger, _ = sign_in_as(live.pool.stranger)
    stranger.goto("/search")
    expect(stranger.locator("[data-count]")).to_have_count(0)
