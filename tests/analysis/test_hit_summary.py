"""The hit summary kept by matching: always the rows a full recount of the hits gives, so
statistics count hits from it exactly as from the hits themselves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, select

from intelpool.access.disclosure import TOTAL
from intelpool.analysis import statistics
from intelpool.analysis.periods import date_range
from intelpool.config import Settings
from intelpool.db.tables import hit_counts, hits
from intelpool.matching import engine as matching
from intelpool.pool import hit_summary
from tests.analysis import raw_statistics
from tests.analysis.test_summary import _pool
from tests.conftest import Store
from tests.factories import member, submit_file


def _kept(conn: Connection) -> set[tuple[Any, ...]]:
    return {tuple(r) for r in conn.execute(select(hit_counts))}


def _recounted(conn: Connection) -> set[tuple[Any, ...]]:
    kept = _kept(conn)
    conn.execute(delete(hit_counts))
    hit_summary.recount(conn)
    found = _kept(conn)
    assert found == kept
    return found


def _hits_agree(conn: Connection, people: list[Any]) -> None:
    period = date_range(None, None)
    for viewer in people:
        for dims in [(), ("theme", "month"), ("type",), ("originator", "week")]:
            kept = statistics.visible_statistics(conn, viewer, dims, period)
            raw = raw_statistics.visible_statistics(conn, viewer, dims, period)
            assert {k: v["hits"] for k, v in kept.cells.items()} == {
                k: v["hits"] for k, v in raw.cells.items()}, (viewer.organisation_name, dims)


def test_kept_rows_equal_a_recount_after_submissions_and_a_rematch(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        people = _pool(conn, tmp_path, 5)
        assert conn.execute(select(hits)).first() is not None
        rows = _recounted(conn)
        assert sum(r[-1] for r in rows) == len(conn.execute(select(hits.c.id)).all())
        _hits_agree(conn, people)
        matching.rematch(conn, Settings())
        _recounted(conn)
        _hits_agree(conn, people)


def _one_selector(tmp_path: Path, name: str, extra: str, shared: str = "shared-gate") -> Path:
    """A list of one selector others hold too and one of its own (in a domain no pool
    builder uses)."""
    path = tmp_path / f"{name}.csv"
    path.write_text("type,value,first_seen\n"
                    f"domain,{shared}.qzx-gate-ops.com,2025-03-01T00:00:00Z\n"
                    f"domain,{extra}.qzx-own-ops.com,2025-03-01T00:00:00Z\n")
    return path


def test_hits_folded_into_a_widespread_selector_leave_the_summary(
        store: Store, tmp_path: Path) -> None:
    """Three holders of one selector with a threshold of two: the first two's hit is folded
    away when the third submits, and the summary forgets it too."""
    settings = Settings(widespread_threshold=2)
    with store.begin() as conn:
        orgs = [member(conn, name) for name in ("Police DE", "Police NL", "Police FR")]
        for i, org in enumerate(orgs[:2]):
            submit_file(conn, org, _one_selector(tmp_path, f"s{i}", f"own{i}"),
                        settings=settings)
        assert sum(r[-1] for r in _kept(conn)) == 1
        submit_file(conn, orgs[2], _one_selector(tmp_path, "s2", "own2"), settings=settings)
        assert conn.execute(select(hits)).first() is None
        assert _kept(conn) == set() == _recounted(conn)
        table = statistics.visible_statistics(conn, orgs[0], (), date_range(None, None))
        assert table.cells[(TOTAL,)]["hits"] == 0


def test_a_hit_between_hidden_contributions_counts_for_no_stranger(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        people = _pool(conn, tmp_path, 9)
        stranger = member(conn, "Bank S", "private")
        everyone = date_range(None, None)

        def total(viewer: Any) -> int:
            found = statistics.visible_statistics(conn, viewer, (), everyone)
            return int(found.cells[(TOTAL,)]["hits"] or 0)

        before = {p.organisation_name: total(p) for p in [stranger, *people]}
        first, second = member(conn, "Police X"), member(conn, "Police Y")
        # What the two newcomers see of the pool's hits (between its green contributions).
        seen = total(first)
        for i, org in enumerate((first, second)):
            submit_file(conn, org, _one_selector(tmp_path, f"h{i}", f"hidden{i}", "red-gate"),
                        tlp="red")
        assert total(first) == total(second) == seen + 1
        assert {p.organisation_name: total(p) for p in [stranger, *people]} == before
        _hits_agree(conn, [stranger, first])
