"""Operations, deconfliction and requests for information in a real browser, as users of
three organisations; a stranger organisation sees nothing of them."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.web.conftest import Live, Watched
from tests.web.helpers import SHARED, only_own_scripts

SignIn = Callable[..., tuple[Page, Watched]]
Shot = Callable[[Page, str], None]
PAYLOAD = '<script>alert("op")</script>"onerror=alert(5) javascript:alert(6) {{ 7*7 }}{% print 1 %}'
MISSING = 999_999


def _create_operation(page: Page, name: str, *, confidential: bool = False,
                      description: str = "") -> int:
    page.goto("/operations")
    form = page.locator("form[action='/operations']")
    form.locator("input[name=name]").fill(name)
    form.locator("textarea[name=description]").fill(description)
    form.locator("input[name=themes]").first.check()
    if confidential:
        form.locator("input[name=confidential]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/operations/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def _post(page: Page, action: str, fields: dict[str, str], button: str = "") -> None:
    """Fill a form of the current page by its action and submit it."""
    form = page.locator(f"form[action$='{action}']").first
    for name, value in fields.items():
        field = form.locator(f"[name={name}]").first
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    (form.locator(f"button:has-text('{button}')") if button
     else form.locator("button[type=submit]")).first.click()
    page.wait_for_load_state()


def _reads_like_missing(page: Page, path: str, missing: str) -> None:
    """A page the viewer may not see: the same status and words as a page never made."""
    seen = page.goto(path)
    text = page.locator("main").inner_text()
    never = page.goto(missing)
    assert seen is not None and never is not None
    assert seen.status == never.status == 404, path
    number = re.sub(r"\D+", "", missing.split("/")[2])
    assert text.replace(re.sub(r"\D+", "", path.split("/")[2]), number) == \
        page.locator("main").inner_text(), path


def test_an_operation_is_opened_joined_and_planned(live: Live, sign_in_as: SignIn,
                                                   shot: Shot) -> None:
    police, _ = sign_in_as(live.pool.police)
    bank, _ = sign_in_as(live.pool.bank)
    op = _create_operation(police, "Operation Kestrel", description="phishing panels")
    _post(police, f"/operations/{op}/invite", {"organisation": "Bank NL"})
    expect(police.locator("#members")).to_contain_text("invited")
    shot(police, "invited")
    bank.goto("/operations")
    expect(bank.locator("#invitations")).to_contain_text("Operation Kestrel")
    shot(bank, "invitation")
    bank.click("#invitations button:has-text('Accept')")
    expect(bank.locator("h1")).to_contain_text("Operation Kestrel")
    expect(bank.locator("#members tr", has_text="Bank NL")).to_contain_text("joined")
    _post(police, f"/operations/{op}/tasks", {"text": "Trace the panel's hosting",
                                               "assignee": "Bank NL", "due": "2031-05-01T09:00"})
    _post(police, f"/operations/{op}/link", {"selectors": SHARED})
    _post(police, f"/operations/{op}/action-days", {
        "at": "2031-06-01T06:00", "country": "DE", "action": "takedown", "targets": SHARED,
        "note": "coordinated at dawn"})
    police.locator("#plan button[value=go]").click()
    _post(police, f"/operations/{op}/embargo", {"until": "2031-06-02T12:00"})
    _post(police, f"/operations/{op}/status", {"status": "active"})
    _post(police, f"/operations/{op}/notes", {"text": "Panel seen in DE and NL"})
    police.locator("#log input[name=text]").fill("Team on site")
    police.locator("#log button").click()
    plan = police.locator("#plan")
    expect(plan).to_contain_text("takedown")
    expect(plan.locator("tr", has_text="takedown").locator("strong")).to_have_text("go")
    expect(police.locator("#embargo")).to_contain_text("2031-06-02 12:00")
    expect(police.locator("#status")).to_have_text("active")
    expect(police.locator("#targets")).to_contain_text(SHARED)
    expect(police.locator("#timeline")).to_contain_text("operation.join")
    shot(police, "operation")
    # The task shows on the assignee's dashboard and is done from the operation's page.
    bank.goto("/")
    expect(bank.locator("#my-tasks")).to_contain_text("Trace the panel's hosting")
    shot(bank, "dashboard")
    bank.click("#my-tasks a")
    bank.locator("#tasks button:has-text('Done')").click()
    expect(bank.locator("#tasks")).to_contain_text("done")
    expect(bank.locator("#notes")).to_contain_text("Panel seen in DE and NL")
    expect(bank.locator("#log")).to_contain_text("Team on site")
    shot(bank, "member-operation")
    stranger, _ = sign_in_as(live.pool.stranger)
    stranger.goto("/operations")
    expect(stranger.locator("main")).not_to_contain_text("Kestrel")
    expect(stranger.locator("#invitations h2")).to_have_text("Invitations (0)")
    stranger.goto("/")
    expect(stranger.locator("main")).not_to_contain_text("Trace the panel")
    _reads_like_missing(stranger, f"/operations/{op}", f"/operations/{MISSING}")
    stranger.goto(f"/operations/{op}")
    shot(stranger, "stranger-operation")
    # A member removed by the lead loses the operation at once.
    _post(police, f"/operations/{op}/remove", {}, "Remove")
    _reads_like_missing(bank, f"/operations/{op}", f"/operations/{MISSING}")


def test_a_deconfliction_alert_does_not_name_a_confidential_lead(
        live: Live, sign_in_as: SignIn, shot: Shot) -> None:
    bank, _ = sign_in_as(live.pool.bank)
    cert, _ = sign_in_as(live.pool.stranger)
    secret = _create_operation(bank, "Operation Heron", confidential=True)
    _post(bank, f"/operations/{secret}/link", {"selectors": SHARED})
    own = _create_operation(cert, "Operation Wren")
    _post(cert, f"/operations/{own}/link", {"selectors": SHARED})
    alert = cert.locator("#deconfliction tr", has_text=SHARED)
    expect(alert).to_contain_text("an operation of a partner")
    expect(cert.locator("#deconfliction")).not_to_contain_text("Bank NL")
    expect(cert.locator("main")).not_to_contain_text("Heron")
    shot(cert, "alert-unnamed")
    cert.goto("/operations")
    expect(cert.locator("#deconfliction")).to_contain_text("an operation of a partner")
    expect(cert.locator("main")).not_to_contain_text("Heron")
    cert.goto(f"/operations/{own}")
    bank.goto(f"/operations/{secret}")
    row = bank.locator("#deconfliction tr", has_text=SHARED)
    expect(row).to_contain_text("an operation of CERT XX")
    row.locator("select[name=outcome]").select_option("joint")
    row.locator("button:has-text('Record outcome')").click()
    expect(bank.locator("#deconfliction tr", has_text=SHARED)).to_contain_text("joint / -")
    shot(bank, "alert")
    cert.reload()
    expect(cert.locator("#deconfliction tr", has_text=SHARED)).to_contain_text("- / joint")
    bank.locator("#deconfliction button:has-text('Reveal')").click()
    cert.reload()
    expect(cert.locator("#deconfliction tr", has_text=SHARED)).to_contain_text(
        "an operation of Bank NL")
    expect(cert.locator("main")).not_to_contain_text("Heron")
    shot(cert, "alert-revealed")


def test_an_rfi_is_answered_with_a_file_and_a_consultation_keeps_minutes(
        live: Live, sign_in_as: SignIn, shot: Shot) -> None:
    police, _ = sign_in_as(live.pool.police)
    bank, _ = sign_in_as(live.pool.bank)
    police.goto("/rfis/new")
    police.select_option("select[name=to] >> nth=0", "org:Bank NL")
    police.fill("textarea[name=question]", "Who hosts the phishing panel?")
    police.fill("textarea[name=items]", "Hosting provider\nPayment accounts")
    police.fill("textarea[name=selectors]", SHARED)
    police.fill("input[name=due]", "2031-01-15T12:00")
    shot(police, "new")
    police.click("button:has-text('Send')")
    police.wait_for_url(re.compile(r"/rfis/\d+$"))
    rfi = int(police.url.rsplit("/", 1)[1])
    bank.goto("/")
    expect(bank.locator("#rfis-due")).to_contain_text("Who hosts the phishing panel?")
    bank.goto("/rfis")
    expect(bank.locator("main")).to_contain_text("Inbox (1)")
    bank.click("text=Who hosts the phishing panel?")
    bank.click("#respond button:has-text('Accept')")
    expect(bank.locator("#recipients")).to_contain_text("accepted")
    form = bank.locator("#answer-form")
    form.locator("select[name=item]").select_option("1")
    form.locator("textarea[name=text]").fill("Bulletproof host, see the file")
    form.locator("input[type=file]").set_input_files(files=[{
        "name": "answer.txt", "mimeType": "text/plain",
        "buffer": b"answer-panel-host.example\n203.0.113.77\n"}])
    form.locator("button:has-text('Send answer')").click()
    expect(bank.locator("#answers")).to_contain_text("Bulletproof host, see the file")
    shot(bank, "answered")
    police.reload()
    answers = police.locator("#answers")
    expect(answers).to_contain_text("item 1")
    shot(police, "answer")
    answers.locator("a", has_text="contribution").click()
    expect(police.locator("main")).to_contain_text("answer-panel-host.example")
    cid = police.url.rsplit("/", 1)[1]
    shot(police, "answer-contribution")
    police.goto(f"/rfis/{rfi}")
    police.click("button:has-text('Close')")
    expect(police.locator("#rfi-status")).to_have_text("closed")
    police.click("button:has-text('Reopen')")
    expect(police.locator("#rfi-status")).to_have_text("open")
    # A consultation: the invitees see the agenda and the minutes; one declines with a reason.
    police.goto("/rfis/new")
    police.select_option("select[name=to] >> nth=2", "kind:private")
    police.fill("textarea[name=question]", "Joint approach to the panel network")
    police.fill("input[name=meeting]", "2031-02-01T10:00")
    police.fill("input[name=agenda]", "1. findings 2. next steps")
    police.click("button:has-text('Send')")
    police.wait_for_url(re.compile(r"/rfis/\d+$"))
    _post(police, "/minutes", {"text": "Agreed to share the hosting data"})
    expect(police.locator("#minutes")).to_contain_text("Agreed to share the hosting data")
    bank.goto(police.url.replace(live.url, ""))
    expect(bank.locator("h1")).to_contain_text("Consultation")
    expect(bank.locator("#minutes")).to_contain_text("Agreed to share the hosting data")
    shot(bank, "consultation")
    bank.locator("#respond input[name=reason]").fill("no capacity this month")
    bank.click("#respond button:has-text('Decline')")
    expect(bank.locator("#recipients")).to_contain_text("no capacity this month")
    # A third organisation sees neither the request nor the answer's file.
    cert, _ = sign_in_as(live.pool.stranger)
    for path in ("/rfis", "/rfis?box=outbox", "/"):
        cert.goto(path)
        expect(cert.locator("main")).not_to_contain_text("phishing panel?")
    expect(cert.locator("#rfis-due")).to_contain_text("No requests")
    _reads_like_missing(cert, f"/rfis/{rfi}", f"/rfis/{MISSING}")
    _reads_like_missing(cert, f"/contributions/{cid}", f"/contributions/{MISSING}")
    cert.goto("/search?q=answer-panel-host.example")
    expect(cert.locator("main")).not_to_contain_text("Bank NL")
    shot(cert, "search")


def test_payloads_in_operations_and_rfis_render_inert(live: Live, sign_in_as: SignIn,
                                                      shot: Shot) -> None:
    police, watched = sign_in_as(live.pool.police)
    op = _create_operation(police, PAYLOAD, description=PAYLOAD)
    _post(police, f"/operations/{op}/notes", {"text": PAYLOAD})
    _post(police, f"/operations/{op}/tasks", {"text": PAYLOAD, "assignee": "Police DE"})
    police.goto("/rfis/new")
    police.select_option("select[name=to] >> nth=0", "org:Bank NL")
    police.fill("textarea[name=question]", PAYLOAD)
    police.fill("textarea[name=items]", PAYLOAD)
    police.click("button:has-text('Send')")
    police.wait_for_url(re.compile(r"/rfis/\d+$"))
    rfi = police.url.rsplit("/", 1)[1]
    bank, bank_watched = sign_in_as(live.pool.bank)
    for page, path in ((police, f"/operations/{op}"), (police, "/operations"), (police, "/"),
                       (police, f"/rfis/{rfi}"), (police, "/rfis?box=outbox"),
                       (bank, "/rfis"), (bank, f"/rfis/{rfi}"), (bank, "/")):
        page.goto(path)
        assert only_own_scripts(_script_sources(page)), path
        assert page.locator("img").count() == 0, path
        assert page.locator("a[href^='javascript:']").count() == 0, path
        # The template syntax shows as typed, never evaluated (times of day left out).
        assert "49" not in re.sub(r"\d\d:\d\d", "", page.locator("main").inner_text()), path
        expect(page.locator("main")).to_contain_text(PAYLOAD)
        shot(page, path.strip("/").replace("/", "-").replace("?box=", "-") or "dashboard")
    assert watched.dialogs == [] and bank_watched.dialogs == []


def _script_sources(page: Page) -> list[str | None]:
    return [page.locator("script").nth(i).get_attribute("src")
            for i in range(page.locator("script").count())]
