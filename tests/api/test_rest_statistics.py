"""REST: statistics, trends and threat reports over what the caller may see."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World, token
from tests.conftest import Store


def test_statistics_count_what_the_caller_may_see(client: TestClient, world: World) -> None:
    table = client.get("/api/v1/statistics", params={"by": "theme"}, headers=world.bank).json()
    assert table["scope"] == "visible" and table["dimensions"] == ["theme"]
    botnet = next(r for r in table["rows"] if r["theme"] == "botnet")
    assert (botnet["contributions"], botnet["observations"]) == (1, 2)
    police = client.get("/api/v1/statistics", params={"by": "theme"},
                        headers=world.police).json()
    assert next(r for r in police["rows"] if r["theme"] == "botnet")["observations"] == 2
    bad = client.get("/api/v1/statistics", params={"by": "colour"}, headers=world.bank)
    assert bad.status_code == 422 and "colour" in bad.json()["error"]["message"]
    scope = client.get("/api/v1/statistics", params={"scope": "all"}, headers=world.bank)
    assert scope.status_code == 422


def test_trends_compare_windows(client: TestClient, world: World) -> None:
    report = client.get("/api/v1/trends", params={"window": "2w", "history": 2},
                        headers=world.bank).json()
    assert report["window"] == "2w" and len(report["windows"]) == 3
    assert any(t["subject"] == "botnet" and t["counts"][-1] > 0 for t in report["trends"])
    bad = client.get("/api/v1/trends", params={"window": "soon"}, headers=world.bank)
    assert bad.status_code == 422 and "window" in bad.json()["error"]["message"]


def test_reports_download_as_html_or_pdf_with_their_marking(client: TestClient,
                                                            world: World) -> None:
    period = f"{date.today():%Y-%m}"
    html = client.get("/api/v1/reports", params={"period": period}, headers=world.bank)
    assert html.status_code == 200, html.text
    assert html.headers["content-type"].startswith("text/html")
    assert html.headers["content-disposition"].startswith("attachment;")
    assert b"TLP:AMBER" in html.content and html.headers["x-intelpool-tlp"] == "amber"
    pdf = client.get("/api/v1/reports", params={"period": period, "format": "pdf"},
                     headers=world.bank)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert ".pdf" in pdf.headers["content-disposition"]
    bad = client.get("/api/v1/reports", params={"period": "someday"}, headers=world.bank)
    assert bad.status_code == 422


def test_a_token_without_read_is_refused(client: TestClient, world: World,
                                         store: Store) -> None:
    submit_only = token(store, world.bank_user.email, scopes=["submit"])
    for path, params in (("/api/v1/statistics", {}), ("/api/v1/trends", {}),
                         ("/api/v1/reports", {"period": "2025-01"})):
        refused = client.get(path, params=params, headers=submit_only)
        assert refused.status_code == 403 and "pool:read" in refused.text, path


def test_a_report_larger_than_memory_holds_streams_whole_from_disk(
        store: Store, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from intelpool.api import downloads
    from intelpool.api.app import create_app
    from intelpool.config import Settings

    monkeypatch.setattr(downloads, "SPOOL_BYTES", 1024)  # past 1 KiB the file goes to disk
    spool = tmp_path / "spool"
    spool.mkdir()
    app = create_app(store.engine, Settings(api_upload_dir=spool))
    with TestClient(app) as client:
        got = client.get("/api/v1/reports", params={"period": f"{date.today():%Y-%m}"},
                         headers=world.bank)
    assert got.status_code == 200, got.text
    assert int(got.headers["content-length"]) == len(got.content) > 1024
    assert got.text.rstrip().endswith("</html>") and got.headers["x-intelpool-tlp"] == "amber"
    assert list(spool.iterdir()) == []  # nothing left behind
