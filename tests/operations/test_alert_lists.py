"""The deconfliction alert list sorts and pages in SQL; an organisation that may not be told
of an alert, or leads no side of it, lists nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.db.sorting import Listed, Slice
from intelpool.errors import InvalidInput
from intelpool.operations import alerts
from intelpool.operations.models import AlertView
from tests.conftest import Store
from tests.operations import list_world

KEYS: dict[str, Callable[[AlertView], Any]] = {
    "id": lambda a: 0, "created": lambda a: a.created_at, "kind": lambda a: a.kind,
    "match": lambda a: a.match, "operation": lambda a: a.your_operation,
    "other": lambda a: a.other_lead}


def _id(alert: AlertView) -> int:
    return int(alert.number.removeprefix("DC-"))


@pytest.fixture
def who(store: Store, tmp_path: Path) -> dict[str, Principal]:
    with store.begin() as conn:
        return list_world.alert_world(conn, tmp_path)


def _pages(conn: Connection, viewer: Principal, sort: str, size: int) -> list[AlertView]:
    seen: list[AlertView] = []
    while True:
        page = alerts.alert_page(conn, viewer, Slice(sort, size, len(seen)))
        seen += page.items
        if len(page.items) < size:
            return seen


def test_alerts_sort_by_each_key_both_ways_and_page_to_the_last(
        store: Store, who: dict[str, Principal]) -> None:
    with store.begin() as conn:
        total = len(alerts.list_alerts(conn, who["de"]))
        assert total > 5
        for key, sort in ((k, s + k) for k in KEYS for s in ("", "-")):
            found = alerts.alert_page(conn, who["de"], Slice(sort))
            expected = sorted(found.items, key=lambda a: (KEYS[key](a), _id(a)))
            expected = expected[::-1] if sort[0] == "-" else expected
            assert found.total == len(found.items) == total, sort
            assert [_id(a) for a in found.items] == [_id(a) for a in expected], sort
            assert [_id(a) for a in _pages(conn, who["de"], sort, 2)] == [
                _id(a) for a in found.items], sort
        others = [a.other_lead for a in alerts.alert_page(conn, who["de"],
                                                          Slice("other")).items]
    # The confidential FR lead sorts as the partner it is shown as, not by its name.
    assert others[-1] == "an operation of a partner"
    assert "an operation of Police FR" not in others


def test_a_bad_alert_sort_key_is_refused_in_one_line(store: Store,
                                                     who: dict[str, Principal]) -> None:
    with store.begin() as conn, pytest.raises(
            InvalidInput, match=r"^cannot sort deconfliction alerts by 'target_b': use "):
        alerts.alert_page(conn, who["de"], Slice("-target_b"))


def test_a_stranger_and_a_quiet_lead_list_no_alerts(store: Store,
                                                    who: dict[str, Principal]) -> None:
    with store.begin() as conn:
        police_told = {a.other_lead for a in alerts.list_alerts(conn, who["de"])}
        for key in KEYS:
            assert alerts.alert_page(conn, who["stranger"], Slice(key)) == Listed([], 0)
            # A private partner is never told of police operations.
            assert alerts.alert_page(conn, who["bank"], Slice(key)) == Listed([], 0)
    assert "an operation of Bank NL" in police_told
