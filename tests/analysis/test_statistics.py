"""Statistics over what a viewer may see, and partnership tables under disclosure control."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from intelpool.access.disclosure import TOTAL, CellFigures, DisclosureRules, passes, protect
from intelpool.analysis import figures as service
from intelpool.errors import Forbidden, InvalidInput
from intelpool.partners import service as partners
from tests.analysis.conftest import submit_month
from tests.conftest import Store
from tests.factories import member

RULES = DisclosureRules()
PERIOD = {"since": "2025-01-01", "until": "2025-03-31"}


def _partnership(conn: Any, viewer: Any) -> dict[tuple[str, ...], int | None]:
    table = service.statistics(conn, viewer, by=["theme,month"], scope="partnership",
                               **PERIOD)
    assert table.rules == RULES.describe()
    return {k: v["observations"] for k, v in table.cells.items()}


def _relations_hold(cells: dict[tuple[str, ...], int | None]) -> None:
    """No row or column (with its margin) leaves exactly one suppressed entry."""
    rows = {k[0] for k in cells}
    cols = {k[1] for k in cells}
    for r in rows:
        line = [v for k, v in cells.items() if k[0] == r]
        assert sum(v is None for v in line) != 1, f"row {r} reveals its one suppressed cell"
    for c in cols:
        line = [v for k, v in cells.items() if k[1] == c]
        assert sum(v is None for v in line) != 1, f"column {c} reveals its suppressed cell"


def test_partnership_table_reveals_nothing_below_the_thresholds(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        viewer = member(conn, "Bank V", "private")
        owners = [member(conn, f"Police {i}") for i in range(4)]
        raw: dict[tuple[str, str], dict[str, int]] = {}

        def add(p: Any, month: str, count: int, theme: str, **kw: Any) -> None:
            submit_month(conn, p, tmp_path, month=month, count=count, theme=theme, **kw)
            if kw.get("tlp", "green") != "red":
                cell = raw.setdefault((theme, month), {})
                cell[p.organisation_name] = cell.get(p.organisation_name, 0) + count

        for p in owners:
            add(p, "2025-01", 10, "botnet")
            add(p, "2025-02", 8, "online-fraud")
        add(owners[0], "2025-03", 12, "online-fraud")
        add(owners[1], "2025-03", 3, "online-fraud")
        before = _partnership(conn, viewer)
        # One organisation's contributions the viewer may not see.
        hidden = member(conn, "Police X")
        add(hidden, "2025-01", 25, "botnet", tlp="amber")
        add(hidden, "2025-03", 40, "intrusion", tlp="amber")
        add(hidden, "2025-02", 4, "online-fraud", tlp="amber")
        after = _partnership(conn, viewer)

    for cells in (before, after):
        _relations_hold(cells)
        assert all(v is None or v % RULES.rounding == 0 for v in cells.values())
    for (theme, month), by_org in raw.items():
        value = after[(theme, month)]
        total = sum(by_org.values())
        meets = (len(by_org) >= RULES.min_organisations and total >= RULES.min_count
                 and max(by_org.values()) * 100 <= RULES.dominance_percent * total)
        if not meets:
            assert value is None, f"{theme} {month} is below the thresholds but published"
        if value is not None:
            assert abs(value - total) <= RULES.rounding // 2
    # The hidden organisation alone in a cell: suppressed, shown as such, never as zero.
    assert after[("intrusion", "2025-03")] is None
    assert after[("intrusion", TOTAL)] is None
    # 60 of 85 in botnet/2025-01 is under 85 %: published, and rounded.
    assert after[("botnet", "2025-01")] == 65


def test_hidden_red_data_never_moves_a_published_number(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        viewer = member(conn, "Bank V", "private")
        for i in range(3):
            p = member(conn, f"Police {i}")
            submit_month(conn, p, tmp_path, month="2025-01", count=20, theme="botnet")
        before = _partnership(conn, viewer)
        red = member(conn, "Police R")
        for theme in ("botnet", "intrusion"):
            submit_month(conn, red, tmp_path, month="2025-01", count=200, theme=theme,
                         tlp="red")
        assert _partnership(conn, viewer) == before
        assert before[("botnet", "2025-01")] == 60


def test_an_organisation_withholds_its_data_from_partnership_statistics(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        viewer = member(conn, "Bank V", "private")
        people = [member(conn, f"Police {i}", role="admin") for i in range(3)]
        for p in people:
            submit_month(conn, p, tmp_path, month="2025-01", count=20, theme="botnet")
        assert _partnership(conn, viewer)[("botnet", "2025-01")] == 60
        with pytest.raises(Forbidden):
            partners.set_statistics_withheld(conn, people[1], "Police 0", True)
        partners.set_statistics_withheld(conn, people[0], "Police 0", True)
        # Two organisations left: below the threshold, so suppressed rather than 40.
        assert _partnership(conn, viewer)[("botnet", "2025-01")] is None


def test_a_strangers_visible_statistics_count_nothing_of_hidden_data(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        owner = member(conn, "Police DE")
        other = member(conn, "Police FR")
        stranger = member(conn, "Bank S", "private")
        submit_month(conn, owner, tmp_path, month="2025-01", count=15, theme="botnet",
                     tlp="amber", values=[f"45.9.0.{i}" for i in range(15)], kind="ipv4")
        submit_month(conn, other, tmp_path, month="2025-01", count=5, theme="botnet",
                     tlp="amber", values=[f"45.9.0.{i}" for i in range(5)], kind="ipv4")
        for by in ([], ["theme"], ["type,month"], ["originator"], ["week"]):
            table = service.statistics(conn, stranger, by=by, since=None, until=None)
            assert all(not v for row in table.cells.values() for v in row.values()), by
        mine = service.statistics(conn, owner, by=["theme"], since=None, until=None)
        assert mine.cells[("botnet",)] == {"contributions": 1, "observations": 15,
                                           "selectors": 15, "hits": 5, "access_requests": 0}


def test_visible_statistics_name_anonymous_originators_a_partner(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        owner = member(conn, "Police DE")
        viewer = member(conn, "Police FR")
        submit_month(conn, owner, tmp_path, month="2025-02", count=3, theme="intrusion",
                     anonymous=True)
        table = service.statistics(conn, viewer, by=["originator,quarter"], since=None,
                                   until=None)
        assert table.cells[("a partner", "2025-Q1")]["observations"] == 3
        own = service.statistics(conn, owner, by=["originator"], since=None, until=None)
        assert own.cells[("Police DE",)]["observations"] == 3


@pytest.mark.parametrize(("options", "message"), [
    ({"by": ["colour"]}, "unknown dimension 'colour'"),
    ({"by": ["theme,type,month"]}, "at most two dimensions"),
    ({"by": ["originator"], "scope": "partnership"}, "names organisations"),
    ({"by": ["week"], "scope": "partnership"}, "is not a fixed period"),
    ({"since": "2999-01-01"}, "lies in the future"),
    ({"since": "2025-03-01", "until": "2025-01-31"}, "ends before it begins"),
    ({"since": "2025-01-05", "until": "2025-01-31", "scope": "partnership"},
     "whole calendar months"),
    ({"since": "yesterday"}, "is not a date"),
    ({"scope": "everyone"}, "unknown scope"),
])
def test_bad_options_get_one_clear_line(store: Store, options: dict[str, Any],
                                        message: str) -> None:
    with store.begin() as conn:
        viewer = member(conn, "Police DE")
        args: dict[str, Any] = {"by": None, "since": None, "until": None, **options}
        with pytest.raises(InvalidInput, match=message):
            service.statistics(conn, viewer, **args)


@pytest.mark.parametrize("field", ["min_organisations", "min_count", "dominance_percent",
                                   "rounding"])
def test_thresholds_out_of_range_are_refused(field: str) -> None:
    with pytest.raises(InvalidInput, match="out of range"):
        DisclosureRules(**{field: 0})


def _cell(*counts: int) -> CellFigures:
    return CellFigures(sum(counts), {i: c for i, c in enumerate(counts)})


def test_secondary_suppression_protects_a_lone_suppressed_cell() -> None:
    cells = {("a",): _cell(10, 10, 10), ("b",): _cell(10, 10, 12), ("c",): _cell(30)}
    table = protect(cells, RULES)
    assert table.values[("c",)] is None and ("c",) in table.primary
    # Without a second suppression, total - a - b would give c away.
    assert sum(v is None for k, v in table.values.items() if k != (TOTAL,)) >= 2 or \
        table.values[(TOTAL,)] is None
    assert table.secondary


def test_dominance_suppresses_a_cell_one_organisation_fills() -> None:
    table = protect({("a",): _cell(90, 5, 5), ("b",): _cell(40, 40, 40),
                     ("c",): _cell(40, 40, 46)}, RULES)
    assert table.values[("a",)] is None and ("a",) in table.primary
    # The smallest other cell goes too, or total - b - c would give a away.
    assert table.values[("b",)] is None and ("b",) in table.secondary
    assert table.values[("c",)] == 125
    assert table.values[(TOTAL,)] == 345


@pytest.mark.parametrize("seed", range(20))
def test_random_tables_publish_only_passing_cells_and_never_one_lone_suppression(
        seed: int) -> None:
    rnd = random.Random(seed)
    cells = {}
    for r in range(rnd.randint(1, 6)):
        for c in range(rnd.randint(1, 8)):
            counts = [rnd.randint(1, 25) for _ in range(rnd.randint(1, 5))]
            cells[(f"r{r}", f"c{c}")] = _cell(*counts)
    table = protect(cells, RULES)
    full = {**cells}
    for key, value in table.values.items():
        if value is not None and key in full:
            assert passes(full[key], RULES)
            assert value % RULES.rounding == 0
    _relations_hold(dict(table.values))
