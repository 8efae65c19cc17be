"""The report's cooperation figures: hits between partner kinds are published under the
partnership rules only, and hidden TLP:RED data never moves them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, update

from intelpool.access import Principal
from intelpool.analysis import figures as service
from intelpool.db.tables import hits
from intelpool.pool import hit_summary
from intelpool.settings import Settings
from tests import factories as f
from tests.conftest import Store

SHARED = [f"gate{i}.qzx-coop-ops.com" for i in range(5)]


def _hits_between_kinds(conn: Connection, viewer: Principal) -> list[tuple[str, ...]]:
    # Hits are dated when matching finds them: move them into May 2025, and the summary too.
    conn.execute(update(hits).values(first_at=datetime(2025, 5, 10, tzinfo=UTC)))
    hit_summary.recount(conn)
    report = service.report(conn, viewer, period="2025-05",
                            settings=Settings(disclosure_rounding=1))
    [section] = [s for s in report.cooperation if s.title == "Hits between partner kinds"]
    return list(section.rows)


def test_hits_between_kinds_follow_the_partnership_rules(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        police = [f.member(conn, f"Police {c}") for c in "ABCD"]
        for p in police[:2]:
            f.submit_lines(conn, p, tmp_path, SHARED)
        # One pair of organisations: below three organisations, and each holds all of it.
        two = _hits_between_kinds(conn, police[0])
        for p in police[2:]:
            f.submit_lines(conn, p, tmp_path, SHARED)
        # Six pairs of four organisations, five selectors each.
        four = _hits_between_kinds(conn, police[0])
        hidden = f.member(conn, "Police Red")
        f.submit_lines(conn, hidden, tmp_path, SHARED, tlp="red")
        with_red = _hits_between_kinds(conn, police[0])
        stranger = _hits_between_kinds(conn, f.member(conn, "Bank S", "private"))
    both = ("law-enforcement", "law-enforcement")
    assert two == [(*both, "suppressed"), ("(total)", "(total)", "suppressed")]
    assert four == [(*both, "30"), ("(total)", "(total)", "30")]
    # TLP:RED never feeds partnership figures; everyone receives the same published table.
    assert with_red == four == stranger
