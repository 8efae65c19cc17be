"""Partnership tables publish hits and access requests under the same rules as observations:
a hit counts once (on its side a), margins never count it twice, hidden contributions of one
organisation reveal nothing below the thresholds, and TLP:RED never moves a number."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, select, update

from intelpool.access import Principal
from intelpool.access.disclosure import TOTAL, DisclosureRules
from intelpool.analysis import figures as service
from intelpool.db.tables import access_requests, contribution_themes, contributions, hits
from intelpool.errors import Conflict
from intelpool.matching import access_requests as requests
from intelpool.pool import hit_summary
from intelpool.settings import Settings
from tests.analysis.conftest import submit_month
from tests.conftest import Store
from tests.factories import member

RULES = DisclosureRules()
PERIOD = {"since": "2025-01-01", "until": "2025-03-31"}
SHARED = [f"gate{i}.qzx-partner-ops.com" for i in range(5)]
JANUARY = datetime(2025, 1, 20, tzinfo=UTC)


def _table(conn: Connection, viewer: Principal, measure: str, by: str = "theme,month",
           settings: Settings | None = None) -> dict[tuple[str, ...], int | None]:
    # Hits and requests are dated when they happen: move them into January 2025.
    conn.execute(update(hits).values(first_at=JANUARY))
    conn.execute(update(access_requests).values(created_at=JANUARY))
    hit_summary.recount(conn)
    table = service.statistics(conn, viewer, by=[by], scope="partnership", **PERIOD,
                               settings=settings)
    assert any("a hit counts once" in note for note in table.notes)
    return {k: v[measure] for k, v in table.cells.items()}


def _raw_hits(conn: Connection) -> dict[tuple[str, str], dict[int, int]]:
    """Hits by their side a's theme, with what each organisation brought (both sides),
    counting only hits with no TLP:RED contribution on either side."""
    red = set(conn.execute(select(contributions.c.id).where(contributions.c.tlp == "red"))
              .scalars())
    themes = {int(cid): str(theme) for cid, theme in conn.execute(
        select(contribution_themes.c.contribution_id, contribution_themes.c.theme))}
    cells: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for h in conn.execute(select(hits)).mappings():
        if {h["contribution_a_id"], h["contribution_b_id"]} & red:
            continue
        cell = cells[(themes[h["contribution_a_id"]], "2025-01")]
        cell[h["org_a_id"]] += 1
        cell[h["org_b_id"]] += 1
    return cells


def test_a_hit_counts_once_and_hidden_hits_reveal_nothing_below_the_thresholds(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        viewer = member(conn, "Bank V", "private")
        police = [member(conn, f"Police {i}") for i in range(4)]
        for p in police:
            submit_month(conn, p, tmp_path, month="2025-01", count=5, theme="botnet",
                         values=SHARED)
        # Six pairs of four organisations, five selectors each: 30 hits, not 60.
        before = _table(conn, viewer, "hits")
        assert before[("botnet", "2025-01")] == 30
        assert before[("botnet", TOTAL)] == before[(TOTAL, TOTAL)] == 30
        # One organisation the viewer may not see, matching one partner in another theme,
        # and every partner in the first.
        hidden = member(conn, "Police X")
        submit_month(conn, hidden, tmp_path, month="2025-01", count=5, theme="intrusion",
                     tlp="amber", values=SHARED[:2])
        lone = member(conn, "Police Y")
        submit_month(conn, lone, tmp_path, month="2025-01", count=1, theme="online-fraud",
                     tlp="amber", values=["only.qzx-pair.com"])
        submit_month(conn, hidden, tmp_path, month="2025-01", count=1, theme="online-fraud",
                     tlp="amber", values=["only.qzx-pair.com"])
        after = _table(conn, viewer, "hits")
        raw = _raw_hits(conn)
    assert all(v is None or v % RULES.rounding == 0 for v in after.values())
    for key, by_org in raw.items():
        total = sum(by_org.values()) // 2  # each hit was added for both its organisations
        meets = (len(by_org) >= RULES.min_organisations and total >= RULES.min_count
                 and max(by_org.values()) * 100 <= RULES.dominance_percent * total)
        if not meets:
            assert after.get(key) is None, f"{key} is below the thresholds but published"
        if after.get(key) is not None:
            assert abs(int(after[key] or 0) - total) <= RULES.rounding // 2
    # A pair of organisations alone in a cell: each holds all of it, so it is suppressed.
    assert ("online-fraud", "2025-01") in after and after[("online-fraud", "2025-01")] is None
    # Every hit once in the grand total: no hit on both its sides.
    grand = sum(sum(c.values()) // 2 for c in raw.values())
    assert after[(TOTAL, TOTAL)] is None or abs(after[(TOTAL, TOTAL)] - grand) <= 2


def test_hidden_red_data_never_moves_published_hits_or_requests(
        store: Store, tmp_path: Path) -> None:
    loose = Settings(disclosure_min_count=1, disclosure_rounding=1)
    with store.begin() as conn:
        viewer = member(conn, "Bank V", "private")
        police = [member(conn, f"Police {i}") for i in range(4)]
        for p in police:
            submit_month(conn, p, tmp_path, month="2025-01", count=5, theme="botnet",
                         tlp="amber", values=SHARED)
        for p in police:
            _ask(conn, p)
        before = [_table(conn, viewer, m, settings=loose) for m in ("hits", "access_requests")]
        red = member(conn, "Police R")
        submit_month(conn, red, tmp_path, month="2025-01", count=5, theme="botnet",
                     tlp="red", values=SHARED)
        submit_month(conn, red, tmp_path, month="2025-01", count=5, theme="intrusion",
                     tlp="red", values=SHARED)
        # Partners ask for the red data behind their new hits: requests about red data.
        assert _ask(conn, police[0], holder=red) > 0
        after = [_table(conn, viewer, m, settings=loose) for m in ("hits", "access_requests")]
    assert after == before
    assert before[0][("botnet", "2025-01")] == 30
    # Each organisation asked each other one once: twelve requests.
    assert before[1][("botnet", "2025-01")] == 12


def _ask(conn: Connection, asking: Principal, holder: Principal | None = None) -> int:
    """The asking organisation requests the data behind its hits (with ``holder`` only), once
    per partner's contribution (a second one would be pending already); how many it made."""
    me = asking.organisation_id
    query = select(hits.c.id).where((hits.c.org_a_id == me) | (hits.c.org_b_id == me))
    if holder is not None:
        query = query.where((hits.c.org_a_id == holder.organisation_id)
                            | (hits.c.org_b_id == holder.organisation_id))
    made = 0
    for hit_id in conn.execute(query).scalars().all():
        try:
            requests.request_access(conn, asking, hit_id, "same campaign")
            made += 1
        except Conflict:
            continue
    return made


def test_access_requests_count_once_under_the_contribution_asked_for(
        store: Store, tmp_path: Path) -> None:
    loose = Settings(disclosure_min_count=1, disclosure_rounding=1)
    with store.begin() as conn:
        viewer = member(conn, "Bank V", "private")
        police = [member(conn, f"Police {i}") for i in range(4)]
        for p in police[:3]:
            submit_month(conn, p, tmp_path, month="2025-01", count=1, theme="botnet",
                         tlp="amber", values=SHARED[:1])
        # Each of three organisations asks the two others: six requests, each counted once
        # (requester and holder both count as contributors: 4 of 6 each, under 85%).
        assert sum(_ask(conn, p) for p in police[:3]) == 6
        three = _table(conn, viewer, "access_requests", by="theme", settings=loose)
        # One pair alone in a cell: Police 0 asks Police 3 for its intrusion data.
        submit_month(conn, police[3], tmp_path, month="2025-01", count=1, theme="intrusion",
                     tlp="amber", values=["lone.qzx-partner-ops.com"])
        submit_month(conn, police[0], tmp_path, month="2025-01", count=1, theme="botnet",
                     tlp="amber", values=["lone.qzx-partner-ops.com"])
        assert _ask(conn, police[0], holder=police[3]) == 1
        pair = _table(conn, viewer, "access_requests", by="theme", settings=loose)
        stranger = _table(conn, member(conn, "Bank S", "private"), "access_requests",
                          by="theme", settings=loose)
    assert three == {("botnet",): 6, (TOTAL,): 6}
    # The pair's cell is suppressed, and the botnet cell or the total with it, so that the
    # one cannot be computed back from the other.
    assert pair[("intrusion",)] is None
    assert pair[("botnet",)] is None or pair[(TOTAL,)] is None
    assert stranger == pair
