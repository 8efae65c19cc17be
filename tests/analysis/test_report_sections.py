"""Threat reports: proposed networks and targets per theme, operations and RFIs as counts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select, update

from intelpool.access import Principal
from intelpool.analysis import figures as service
from intelpool.analysis.report.model import Report, Section
from intelpool.analysis.report.render import to_html
from intelpool.db.tables import contributions, observations, operations
from intelpool.operations import service as ops
from intelpool.settings import Settings
from tests import factories as f
from tests.analysis.builders import actor, bundle, malware, ring
from tests.conftest import Store


def _pool(conn: Connection, tmp: Path) -> dict[str, Any]:
    """Police DE reports a botnet (GREEN, for NL, theme botnet); Police NL adds to it AMBER, for DE
    only, under another theme, so only the network draws on NL's contribution."""
    viewer = f.member(conn, "Police DE")
    partner = f.member(conn, "Police NL")
    kivuco = ring("kivuco")
    own = f.submit_file(conn, viewer, bundle(tmp / "de.json", [(malware("Kivuco"), kivuco[:4])]),
                        audience=["org:Police NL"], themes=["botnet"]).contribution_id
    theirs = f.submit_file(conn, partner, bundle(tmp / "nl.json", [
        (malware("kivuco"), kivuco[2:]), (actor("Iron Heron"), [kivuco[0]])]),
        tlp="amber", audience=["org:Police DE"], themes=["intrusion"]).contribution_id
    return {"viewer": viewer, "own": own, "theirs": theirs}


def _period(conn: Connection) -> str:
    """The calendar year the data falls in."""
    first = conn.execute(select(func.min(func.coalesce(
        observations.c.first_seen, contributions.c.received_at))).join(
        contributions, contributions.c.id == observations.c.contribution_id)).scalar()
    year = first.year if first else datetime.now(UTC).year
    return f"{year}-01-01..{year}-12-31"


def _extras(report: Report) -> list[Section]:
    return [s for t in report.themes for s in t.extra]


def test_an_analysts_report_shows_the_network_and_takes_its_marking(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _pool(conn, tmp_path)
        report = service.report(conn, who["viewer"], period=_period(conn), themes=["botnet"])
    [section] = _extras(report)
    assert section.title == "Proposed networks and top targets"
    [row] = section.rows
    assert int(row[1]) >= 5 and row[2] == "Police DE, Police NL"
    assert "selectors held together by" in row[3]
    assert section.after[0].startswith(f"{row[0]}, top targets: 1. ")
    # NL's AMBER contribution is not of the theme asked for: only the network draws on it,
    # and still it joins the annex and makes the report AMBER.
    assert [a.id for a in report.annex] == [who["own"], who["theirs"]]
    assert report.tlp == "amber"
    assert any(row[0] in s and "largest proposed network" in s for s in report.findings)
    html = to_html(report)
    assert row[0] in html and "TLP:AMBER" in html and "panel.kivuco-ops.com" in html


def test_without_analysis_run_the_report_says_why_and_shows_no_network(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        _pool(conn, tmp_path)
        reader = f.user(conn, "Police DE", role="reader")
        report = service.report(conn, reader, period=_period(conn), themes=["botnet"])
    [section] = _extras(report)
    assert "analysis:run" in section.paragraphs[0] and not section.rows
    html = to_html(report)
    assert report.tlp == "green" and "Police NL" not in html and "kivuco-ops" not in html


def test_a_stranger_sees_no_network_or_operation_of_others(store: Store, tmp_path: Path
                                                           ) -> None:
    with store.begin() as conn:
        who = _pool(conn, tmp_path)
        ops.create(conn, who["viewer"], "Operation Heron", themes=["botnet"])
        ops.create(conn, who["viewer"], "Operation Quiet", confidential=True)
        stranger = f.member(conn, "Bank S", "private")
        mine = to_html(service.report(conn, who["viewer"], period=_period(conn)))
        report = service.report(conn, stranger, period=_period(conn))
    html = to_html(report)
    assert report.empty and not _extras(report) and report.tlp == "clear"
    for secret in ("kivuco", "Kivuco", "Heron", "Quiet", "Police", "Proposed networks"):
        assert secret not in html
    # Even its own members' report names no operation: cooperation shows counts only.
    assert "Operation Heron" not in mine and "Operation Quiet" not in mine


def _open(conn: Connection, lead: Principal, n: int, *, confidential: bool = False) -> None:
    for i in range(n):
        op = ops.create(conn, lead, f"{lead.organisation_name} case {i}",
                        confidential=confidential)
        conn.execute(update(operations).where(operations.c.id == op).values(
            created_at=datetime(2025, 5, 10, tzinfo=UTC)))


def _opened(conn: Connection, viewer: Principal) -> list[tuple[str, ...]]:
    settings = Settings(disclosure_min_count=3, disclosure_rounding=1)
    report = service.report(conn, viewer, period="2025-05", settings=settings)
    [section] = [s for s in report.cooperation
                 if s.title == "Operations and requests for information"]
    return [r[1:] for r in section.rows if r[0] == "operations opened"]


def test_operation_counts_are_suppressed_below_the_partnership_thresholds(
        store: Store) -> None:
    with store.begin() as conn:
        leads = [f.member(conn, f"Police {c}") for c in "ABC"]
        _open(conn, leads[0], 2)
        _open(conn, leads[1], 2)
        two = _opened(conn, leads[0])
        _open(conn, leads[2], 2)
        _open(conn, leads[2], 3, confidential=True)  # never counted
        three = _opened(conn, leads[0])
    assert two == [("law-enforcement", "suppressed"), ("(total)", "suppressed")]
    assert three == [("law-enforcement", "6"), ("(total)", "6")]
