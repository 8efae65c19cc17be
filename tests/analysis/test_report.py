"""Threat reports: marking, self-contained HTML, a real PDF, and nothing hidden in them."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from intelpool.analysis import figures as service
from intelpool.analysis.report.render import to_html, to_pdf
from intelpool.errors import InvalidInput
from tests.analysis.conftest import submit_month
from tests.conftest import Store
from tests.factories import member


def _pool(conn: Any, tmp_path: Path) -> tuple[Any, Any, list[int]]:
    """Police DE shares with Police FR (GREEN and AMBER, one part anonymous); Police X
    keeps its RED data; nothing is shared with the whole pool."""
    owner = member(conn, "Police DE")
    viewer = member(conn, "Police FR")
    ids = [submit_month(conn, owner, tmp_path, month=m, count=n, theme="botnet",
                        role="c2-domain", audience=["org:Police FR"]).contribution_id
           for m, n in (("2025-01", 4), ("2025-04", 30), ("2025-05", 12))]
    ids.append(submit_month(conn, owner, tmp_path, month="2025-06", count=6,
                            theme="online-fraud", tlp="amber", audience=["org:Police FR"],
                            anonymous=True).contribution_id)
    hidden = member(conn, "Police X")
    submit_month(conn, hidden, tmp_path, month="2025-05", count=50, theme="intrusion",
                 tlp="red")
    return owner, viewer, ids


def test_report_html_is_marked_self_contained_and_shows_only_visible_data(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        _, viewer, ids = _pool(conn, tmp_path)
        report = service.report(conn, viewer, period="2025-Q2")
    assert report.tlp == "amber"  # the strictest datum shown; the hidden RED one is not
    assert [a.id for a in report.annex] == ids[1:]
    assert [a.originator for a in report.annex] == ["Police DE", "Police DE", "a partner"]
    assert [t.theme for t in report.themes] == ["botnet", "online-fraud"]
    assert report.themes[0].observations == 42 and report.themes[0].previous == 4
    assert report.findings[0].startswith("In 2025-Q2, partners reported 48 observations")
    html = to_html(report)
    assert html.count("TLP:AMBER") >= 4  # title, both page marks, cover
    assert "<svg" in html and "intrusion" not in html
    # Self-contained: no external stylesheet, script, image or font.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html and "<link" not in html


def test_report_pdf_has_the_marking_on_every_page(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        _, viewer, _ = _pool(conn, tmp_path)
        report = service.report(conn, viewer, period="2025-04-01..2025-06-30",
                                themes=["botnet", "online-fraud"])
    pdf, pages = to_pdf(to_html(report))
    reader = PdfReader(io.BytesIO(pdf))
    # Cover, findings, one page per theme, cooperation, annex.
    assert len(reader.pages) == pages and pages >= 5
    texts = [page.extract_text() for page in reader.pages]
    assert all(text.count("TLP:AMBER") >= 2 for text in texts), "header and footer"
    assert "Threat assessment" in texts[0] and "2025-04-01 to 2025-06-30" in texts[0]
    assert "Key findings" in texts[1]
    assert "Annex: contributions drawn on" in texts[-1] or "Annex" in "".join(texts[-2:])
    assert all(f"page {i} of {pages}" in t for i, t in enumerate(texts, start=1))
    # The annex, dense as it is, names every contribution with its originator and handling.
    annex = " ".join(" ".join(texts[next(i for i, t in enumerate(texts)
                                     if "Annex: contributions drawn on" in t):]).split())
    for entry in report.annex:
        assert (f"{entry.id} {entry.originator} · {entry.received_at:%Y-%m-%d} · "
                f"TLP:{entry.tlp.upper()} PAP:{entry.pap.upper()}") in annex


def test_a_report_with_nothing_to_show_says_so(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        _, viewer, _ = _pool(conn, tmp_path)
        stranger = member(conn, "Bank S", "private")
        report = service.report(conn, stranger, period="2025-Q2")
        quiet = service.report(conn, viewer, period="2024-Q1")
    for empty in (report, quiet):
        assert empty.empty and empty.tlp == "clear" and not empty.themes
        assert empty.findings[0].startswith("Nothing you may see was reported")
        assert "This report has nothing to show" in to_html(empty)


@pytest.mark.parametrize(("period", "themes", "message"), [
    ("2999-Q1", None, "lies in the future"),
    ("2025-06-30..2025-04-01", None, "ends before it begins"),
    ("2025-13", None, "no month 13"),
    ("last spring", None, "use 2024-Q2"),
    ("2025-Q2", ["weather"], "unknown theme"),
])
def test_bad_report_options_get_one_clear_line(store: Store, period: str,
                                               themes: list[str] | None, message: str) -> None:
    with store.begin() as conn:
        viewer = member(conn, "Police DE")
        with pytest.raises(InvalidInput, match=message):
            service.report(conn, viewer, period=period, themes=themes)
