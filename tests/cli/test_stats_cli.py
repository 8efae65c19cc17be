"""stats, trends, report and org set as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.runner import cli, ok
from tests.cli.test_cli import pool  # noqa: F401  (the pool fixture)
from tests.conftest import Store


def _submit(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "wave.csv"
    data.write_text("type,value,first_seen,role\n" + "".join(
        f"domain,c2-{i}.wave.example.org,2025-05-1{i}T00:00:00Z,c2-domain\n"
        for i in range(5)), encoding="utf-8")
    ok(store, "submit", str(data), "--as", "de@police.example", "--tlp", "amber",
       "--audience", "group:Banks", "--theme", "botnet", "--format", "csv")


def test_stats_trends_and_report_from_the_command_line(pool: Store,  # noqa: F811
                                                       tmp_path: Path) -> None:
    _submit(pool, tmp_path)
    out = ok(pool, "stats", "--as", "nl@bank.example", "--by", "theme,month", "--csv")
    assert out.splitlines()[0] == (
        "theme,month,contributions,observations,selectors,hits,access_requests")
    assert "botnet,2025-05,1,5,5,0,0" in out.splitlines()
    stranger = json.loads(ok(pool, "stats", "--as", "x@stranger.example", "--json"))
    assert stranger["rows"] == [{"all": "(total)", "contributions": 0, "observations": 0,
                                 "selectors": 0, "hits": 0, "access_requests": 0}]
    shared = json.loads(ok(pool, "stats", "--as", "nl@bank.example", "--scope",
                           "partnership", "--by", "theme", "--json"))
    assert shared["rules"] == {"min_organisations": 3, "min_count": 10,
                               "dominance_percent": 85, "rounding": 5}
    assert {r["theme"]: r["observations"] for r in shared["rows"]} == {
        "botnet": None, "(total)": None}
    assert shared["measures"] == ["contributions", "observations", "hits", "access_requests"]
    assert all(r["hits"] is None for r in shared["rows"])  # suppressed, never zero
    assert any(n.startswith("a hit counts once") for n in shared["notes"])
    trends = json.loads(ok(pool, "trends", "--as", "nl@bank.example", "--window", "2w",
                           "--json"))
    assert [t["subject"] for t in trends["trends"] if t["category"] == "tld"] == ["org"]
    report = tmp_path / "q2.html"
    out = ok(pool, "report", "--as", "nl@bank.example", "--period", "2025-Q2", "--format",
             "html", "--out", str(report))
    assert "TLP:AMBER" in out and "1 contributions drawn on" in out
    assert "c2-" not in report.read_text(encoding="utf-8")  # figures, not selectors


def test_bad_options_and_withholding_from_the_command_line(pool: Store) -> None:  # noqa: F811
    code, _, err = cli(pool, "stats", "--as", "nl@bank.example", "--by", "colour")
    assert code == 1 and err.count("\n") == 1 and "unknown dimension 'colour'" in err
    code, _, err = cli(pool, "report", "--as", "nl@bank.example", "--period", "2999-Q1",
                       "--out", "never.html")
    assert code == 1 and "lies in the future" in err and not Path("never.html").exists()
    code, _, err = cli(pool, "org", "set", "Police DE", "--no-statistics", "--as",
                       "x@stranger.example")
    assert code == 1 and "only decide for its own organisation" in err
    out = ok(pool, "org", "set", "Police DE", "--no-statistics", "--as", "de@police.example")
    assert "do not count in partnership statistics" in out


def test_thresholds_out_of_range_get_one_clear_line(pool: Store,  # noqa: F811
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTELPOOL_DISCLOSURE_DOMINANCE_PERCENT", "100")
    code, _, err = cli(pool, "stats", "--as", "nl@bank.example", "--scope", "partnership")
    assert code == 1 and err.count("\n") == 1
    assert "disclosure dominance percent 100 is out of range: use 50 to 99" in err
