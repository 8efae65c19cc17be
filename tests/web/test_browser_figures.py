"""Statistics charts and report downloads in a real browser (headless Chromium)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from tests.web.conftest import Live, Watched

SignIn = Callable[..., tuple[Page, Watched]]
Shot = Callable[[Page, str], None]


def test_statistics_draw_a_chart_and_offer_the_table(live: Live, sign_in_as: SignIn,
                                                     shot: Shot) -> None:
    page, _ = sign_in_as(live.pool.police)
    page.click("nav >> text=Statistics")
    page.select_option("select[name=by] >> nth=0", "type")
    page.click("button:has-text('Count')")
    expect(page.locator("#statistics-table")).to_contain_text("ipv4")
    # ECharts drew the figures as SVG inside the chart's box (the script is our own file).
    expect(page.locator("#statistics-chart svg")).to_have_count(1)
    expect(page.locator("#statistics-chart svg path >> nth=3")).to_be_attached()
    shot(page, "statistics")
    with page.expect_download() as info:
        page.click("text=Download the table as CSV")
    assert info.value.suggested_filename == "statistics-visible.csv"
    page.goto("/statistics?by=type&scope=partnership&since=2025-01-01")
    expect(page.locator("#disclosure-rules")).to_contain_text("partnership rules")
    shot(page, "statistics-partnership")
    page.goto("/trends")
    expect(page.locator("h1")).to_have_text("Trends")
    shot(page, "trends")


def test_a_report_downloads_from_the_form(live: Live, sign_in_as: SignIn,
                                          shot: Shot) -> None:
    page, _ = sign_in_as(live.pool.bank)
    page.goto("/reports")
    page.fill("input[name=period]", datetime.now(UTC).strftime("%Y-%m"))
    page.select_option("select[name=format]", "pdf")
    shot(page, "reports")
    with page.expect_download(timeout=60_000) as info:
        page.click("button:has-text('Download the report')")
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    path = download.path()
    assert path is not None and path.read_bytes().startswith(b"%PDF")
    page.fill("input[name=period]", "2025-13")
    page.click("button:has-text('Download the report')")
    expect(page.locator("#report-error")).to_contain_text("no month 13")
    shot(page, "reports-refused")
