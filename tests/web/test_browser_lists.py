"""A list in a real browser: sorted from the keyboard, paged, and exported as CSV."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests import factories as f
from tests.web.conftest import Live, Watched

SignIn = Callable[..., tuple[Page, Watched]]
Shot = Callable[[Page, str], None]
SHARED_IPS = [f"91.218.{i // 200}.{10 + i % 200}" for i in range(60)]


def _share_many(live: Live, tmp: Path) -> int:
    """Police DE and Bank NL hold 60 more selectors in common: more than one page of hits."""
    with live.engine.begin() as conn:
        police = f.principal_for_email(conn, live.pool.police)
        bank = f.principal_for_email(conn, live.pool.bank)
        f.submit_lines(conn, police, tmp, SHARED_IPS, tlp="green")
        return f.submit_lines(conn, bank, tmp, SHARED_IPS, tlp="green").new_hits


def test_hits_sort_from_the_keyboard_page_and_download_as_csv(
        live: Live, sign_in_as: SignIn, shot: Shot, tmp_path: Path) -> None:
    assert _share_many(live, tmp_path) == len(SHARED_IPS)
    page, _ = sign_in_as(live.pool.bank)
    page.goto("/hits")
    pager = page.locator("nav.pager").first
    expect(pager).to_contain_text("page 1 of 2")
    total = int(re.search(r"(\d+) in all", pager.inner_text()).group(1))  # type: ignore[union-attr]
    # A sort header is a link: reached with Tab, followed with Enter.
    sort = page.get_by_role("link", name=re.compile(r"^your selector"))
    sort.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"sort=selector"))
    first_rows = page.locator("td.value > a").all_inner_texts()
    assert first_rows == sorted(first_rows, key=lambda s: tuple(s.split(" ", 1)))
    page.get_by_role("link", name=re.compile(r"^your selector")).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"sort=-selector"))
    expect(page.locator("a.sort.active")).to_contain_text("▼")
    page.get_by_role("link", name="next →").first.click()
    expect(pager).to_contain_text("page 2 of 2")
    last_rows = page.locator("td.value > a").all_inner_texts()
    assert len(last_rows) == total - 50 and last_rows == sorted(
        last_rows, key=lambda s: tuple(s.split(" ", 1)), reverse=True)
    shot(page, "hits-sorted-page-2")
    page.keyboard.press("/")
    expect(page.locator("#q")).to_be_focused()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    saved = tmp_path / "hits.csv"
    download.value.save_as(saved)
    with saved.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == total
    assert {r["my_tlp"] for r in rows} == {"green"} and "partner_tlp" in rows[0]
    assert [r["selector"] for r in rows] == sorted(
        (r["selector"] for r in rows), key=lambda s: tuple(s.split(" ", 1)), reverse=True)
