"""Reports as PDF: selectors from each page's text, refused whole when there is no text."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PageObject, PdfReader, PdfWriter
from sqlalchemy import select

from intelpool.db.tables import contributions, observables, observations
from intelpool.errors import InvalidInput
from intelpool.formats.records import (
    DocumentMeta,
    ImportOptions,
    ObservationRecord,
    Record,
    Rejection,
)
from intelpool.formats.registry import SNIFF_BYTES, detect_format, get_importer
from tests import factories as f
from tests.conftest import Store
from tests.formats.pdf_builder import text_pdf

REPORT = Path(__file__).parents[1] / "data" / "pdf" / "report.pdf"


def _read(data: bytes) -> list[Record]:
    return list(get_importer("pdf").parse(io.BytesIO(data), ImportOptions()))


def test_selectors_are_found_on_their_page_and_line() -> None:
    records = _read(REPORT.read_bytes())
    assert [(r.value, r.location) for r in records if isinstance(r, ObservationRecord)] == [
        ("https://login-secure.bank-verify.example/kit/", "page 1 line 2"),  # refanged
        ("203.0.113.45", "page 1 line 3"),
        ("ops-team@kitmail.example.org", "page 1 line 4"),
        ("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "page 2 line 2"),
        ("DE89370400440532013000", "page 2 line 3"),
    ]
    meta = records[0]
    assert isinstance(meta, DocumentMeta) and meta.title == "TR-2026-117 Phishing kit report"


def test_a_report_is_recognised_by_its_header() -> None:
    assert detect_format(REPORT.read_bytes()[:SNIFF_BYTES]).name == "pdf"


def test_a_scanned_report_without_text_is_refused_whole() -> None:
    with pytest.raises(InvalidInput, match="holds no text"):
        _read(text_pdf([[], []]))


def test_a_damaged_file_is_refused_with_the_reason() -> None:
    with pytest.raises(InvalidInput, match="not a readable PDF"):
        _read(b"%PDF-1.4\nthis is not the rest of a PDF\n")


def test_a_password_protected_report_is_refused() -> None:
    writer = PdfWriter(clone_from=PdfReader(REPORT))
    writer.encrypt("secret", algorithm="AES-128")
    protected = io.BytesIO()
    writer.write(protected)
    with pytest.raises(InvalidInput, match="protected by a password"):
        _read(protected.getvalue())


def test_a_page_whose_text_cannot_be_read_is_one_rejection(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # pypdf reads past most damage; where it does raise (a KeyError in a broken resource
    # dictionary, say), only that page is lost.
    extract_text = PageObject.extract_text

    def first_page_fails(page: PageObject, *args: Any, **kwargs: Any) -> str:
        if page.page_number == 0:
            raise KeyError("/Font")
        return extract_text(page, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", first_page_fails)
    records = _read(REPORT.read_bytes())
    assert [(r.location, r.reason) for r in records if isinstance(r, Rejection)] == [
        ("page 1", "the page's text cannot be read: KeyError('/Font')")]
    assert [r.location for r in records if isinstance(r, ObservationRecord)] == [
        "page 2 line 2", "page 2 line 3"]


def test_a_report_is_stored_under_its_own_title(store: Store) -> None:
    with store.begin() as conn:
        cert = f.member(conn, "CERT Example", kind="cert", role="contributor")
        summary = f.submit_file(conn, cert, REPORT)
        title = conn.execute(select(contributions.c.title).where(
            contributions.c.id == summary.contribution_id)).scalar_one()
        stored = set(conn.execute(
            select(observables.c.type)
            .join(observations, observations.c.observable_id == observables.c.id)
            .where(observations.c.contribution_id == summary.contribution_id)).scalars())
    assert (summary.format, summary.accepted, summary.rejected) == ("pdf", 5, 0)
    assert title == "TR-2026-117 Phishing kit report"
    assert stored == {"url", "ipv4", "email", "sha256", "iban"}
