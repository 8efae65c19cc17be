"""Statistics, trends and reports pages: what a stranger counts, bad input, downloads."""

from __future__ import annotations

import csv
import html as markup
import io
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from intelpool.db.tables import audit_events
from tests import factories as f
from tests.conftest import Store
from tests.web.helpers import Pool, build_pool, csrf_of, signed_in

HIDDEN_THEMED = "hidden-botnet-c2.org"


def _themed_pool(store: Store, tmp_path: Path) -> tuple[Pool, int]:
    """The pool of three, and a botnet file of the police's that only the police may see."""
    pool = build_pool(store.engine, tmp_path)
    hidden = tmp_path / "botnet.csv"
    hidden.write_text("type,value,first_seen\n"
                      f"domain,{HIDDEN_THEMED},2025-01-15T12:00:00Z\n"
                      "ipv4-addr,10.9.8.7,2025-01-16T12:00:00Z\n")
    with store.begin() as conn:
        police = f.principal_for_email(conn, pool.police)
        made = f.submit_file(conn, police, hidden, tlp="amber", fmt="csv",
                             themes=["botnet"], title="Botnet panel list")
    return pool, made.contribution_id


def _csv(client: TestClient, query: str) -> list[list[str]]:
    response = client.get(f"/statistics.csv?{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment")
    return list(csv.reader(io.StringIO(response.text)))


def test_a_stranger_counts_nothing_of_hidden_data(store: Store, tmp_path: Path) -> None:
    pool, hidden = _themed_pool(store, tmp_path)
    stranger = signed_in(store.engine, pool.stranger)
    police = signed_in(store.engine, pool.police)
    mine, theirs = _csv(police, "by=theme"), _csv(stranger, "by=theme")
    assert mine[0][:2] == theirs[0][:2] == ["theme", "contributions"]
    assert "botnet" in [row[0] for row in mine]
    assert "botnet" not in [row[0] for row in theirs]
    # Overall: the police count their three files, the stranger only the bank's.
    assert _csv(police, "")[1][1] == "3" and _csv(stranger, "")[1][1] == "1"
    page = stranger.get("/statistics?by=theme&by=type")
    assert page.status_code == 200 and 'id="statistics-chart"' in page.text
    assert "botnet" not in page.text and HIDDEN_THEMED not in page.text
    for query in ("window=4w", "window=4w&until=2025-01-31"):
        trends = stranger.get(f"/trends?{query}")
        assert trends.status_code == 200
        assert "botnet" not in trends.text and f"/contributions/{hidden}" not in trends.text
    seen = police.get("/trends?window=4w&until=2025-01-31")
    assert seen.status_code == 200 and f"/contributions/{hidden}" in seen.text


def test_partnership_scope_shows_the_rules_and_suppressed_cells(store: Store,
                                                                tmp_path: Path) -> None:
    pool, _ = _themed_pool(store, tmp_path)
    client = signed_in(store.engine, pool.stranger)
    page = client.get("/statistics?by=theme&scope=partnership&since=2025-01-01")
    assert page.status_code == 200, page.text
    assert 'id="disclosure-rules"' in page.text and "partnership rules" in page.text
    # How a hit between two organisations counts is said with the table.
    assert "a hit counts once, under its side a" in page.text
    rows = _csv(client, "by=theme&scope=partnership&since=2025-01-01")
    # Too few organisations in any cell of this small pool: suppressed, never zero.
    botnet = [row for row in rows if row[0] == "botnet"]
    assert botnet and set(botnet[0][1:]) == {"suppressed"}
    assert rows[0][-2:] == ["hits", "access_requests"]
    assert "0" not in [cell for row in rows[1:-1] for cell in row[1:]]
    assert rows[-1][0].startswith("# partnership rules")


def test_bad_input_gives_one_clear_message_on_the_page(store: Store, tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    client = signed_in(store.engine, pool.bank)
    cases = {"/statistics?since=2025-05-01&until=2025-04-01": "ends before it begins",
             "/statistics?by=colour": "unknown dimension 'colour'",
             "/statistics?by=week&scope=partnership": "is not a fixed period",
             "/trends?window=fortnight": "fortnight",
             "/trends?theme=knitting": "unknown theme 'knitting'"}
    for path, reason in cases.items():
        response = client.get(path)
        assert response.status_code == 422, path
        assert response.text.count('role="alert"') == 1, path
        assert reason in markup.unescape(response.text), path
        assert "<form" in response.text  # the form stays, to correct the input


def test_a_report_downloads_as_pdf_and_html_and_is_audited(store: Store,
                                                           tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    client = signed_in(store.engine, pool.bank)
    form = client.get("/reports")
    assert form.status_code == 200
    token = csrf_of(form.text)
    month = datetime.now(UTC).strftime("%Y-%m")

    def reports_made() -> int:
        with store.begin() as conn:
            return conn.execute(select(func.count()).select_from(audit_events).where(
                audit_events.c.action == "analysis.report")).scalar_one()

    before = reports_made()
    pdf = client.post("/reports", data={"csrf": token, "period": month, "format": "pdf"})
    assert pdf.status_code == 200, pdf.text
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == \
        f'attachment; filename="report-{month}.pdf"'
    html = client.post("/reports", data={"csrf": token, "period": month, "format": "html",
                                         "theme": ["botnet", "online-fraud"]})
    assert html.status_code == 200, markup.unescape(html.text)[-400:]
    assert html.headers["content-disposition"].endswith('.html"')
    assert "<html" in html.text.lower() and "TLP:" in html.text
    assert reports_made() == before + 2
    bad = client.post("/reports", data={"csrf": token, "period": "2025-13", "format": "pdf"})
    assert bad.status_code == 422 and "no month 13" in markup.unescape(bad.text)
    assert bad.text.count('role="alert"') == 1
    assert reports_made() == before + 2


def test_dashboard_sparklines_show_only_themes_the_viewer_may_see(store: Store,
                                                                   tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    recent = tmp_path / "recent.txt"
    recent.write_text("fresh-botnet-c2.org\nfresh-botnet-c2.net\n")
    with store.begin() as conn:
        f.submit_file(conn, f.principal_for_email(conn, pool.police), recent, tlp="amber",
                      themes=["botnet"])
    police, stranger = (signed_in(store.engine, who) for who in (pool.police, pool.stranger))
    assert 'hx-get="/trends/themes"' in police.get("/").text
    mine = police.get("/trends/themes")
    assert mine.status_code == 200
    assert 'href="/trends?theme=botnet"' in mine.text and "data-chart" in mine.text
    theirs = stranger.get("/trends/themes")
    assert theirs.status_code == 200 and "botnet" not in theirs.text
