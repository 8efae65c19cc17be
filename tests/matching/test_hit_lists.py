"""Hits, access requests and the audit trail sort and page in SQL, under visibility."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Connection

from intelpool.audit import service as audit
from intelpool.db.sorting import Listed, Slice
from intelpool.errors import InvalidInput
from intelpool.matching import access_requests, hits
from tests.conftest import Store
from tests.matching import list_pool
from tests.matching.list_pool import HIT_TOTAL, ListPool

T = TypeVar("T")

HIT_KEYS: dict[str, Callable[[hits.HitView], Any]] = {
    "last": lambda h: h.last_at, "first": lambda h: h.first_at,
    "selector": lambda h: tuple(h.selector.split(" ", 1)), "partner": lambda h: h.partner,
    "kind": lambda h: h.kind, "id": lambda h: h.id}
REQUEST_KEYS: dict[str, Callable[[access_requests.AccessRequestView], Any]] = {
    "id": lambda r: r.id, "status": lambda r: r.status, "created": lambda r: r.created_at,
    "requester": lambda r: r.requester, "holder": lambda r: r.holder}
AUDIT_KEYS: dict[str, Callable[[audit.AuditEvent], Any]] = {
    "at": lambda e: e.at, "actor": lambda e: e.actor, "action": lambda e: e.action,
    "id": lambda e: e.id}


@pytest.fixture
def pool(store: Store, tmp_path: Path) -> ListPool:
    with store.begin() as conn:
        return list_pool.build(conn, tmp_path)


def _expected(items: list[T], key: Callable[[T], Any], descending: bool) -> list[int]:
    ordered = sorted(items, key=lambda i: (key(i), i.id))  # type: ignore[attr-defined]
    ids = [i.id for i in ordered]  # type: ignore[attr-defined]
    return ids[::-1] if descending else ids


def _sorts(keys: dict[str, Any]) -> list[tuple[str, str]]:
    return [(key, sign + key) for key in keys for sign in ("", "-")]


def _all_pages(read: Callable[[Slice], Listed[T]], sort: str, size: int) -> list[T]:
    """Every page in turn, to the last one, checking each page's total."""
    seen: list[T] = []
    while True:
        page = read(Slice(sort, size, len(seen)))
        seen += page.items
        if len(page.items) < size:
            return seen
        assert page.total == read(Slice(sort, 1)).total


def test_more_than_500_hits_page_to_the_last_one(store: Store, pool: ListPool) -> None:
    with store.begin() as conn:
        first = hits.hit_page(conn, pool.bank, part=Slice("-last", 50))
        paged = _all_pages(lambda part: hits.hit_page(conn, pool.bank, part=part), "id", 50)
        last = hits.hit_page(conn, pool.bank, part=Slice("id", 50, 500))
        everything = hits.list_hits(conn, pool.bank)
    assert first.total == HIT_TOTAL > 500 and len(first.items) == 50
    assert len(paged) == HIT_TOTAL == len({h.id for h in paged}) == everything.total
    assert [h.id for h in paged] == sorted(h.id for h in paged)
    assert [h.id for h in last.items] == [h.id for h in paged][500:550]
    assert len(everything.hits) == HIT_TOTAL  # no cap when no limit is asked for


def test_hits_sort_by_each_key_both_ways(store: Store, pool: ListPool) -> None:
    with store.begin() as conn:
        for key, sort in _sorts(HIT_KEYS):
            found = hits.hit_page(conn, pool.bank, part=Slice(sort)).items
            paged = _all_pages(lambda part: hits.hit_page(conn, pool.bank, part=part), sort,
                               200)
            assert [h.id for h in found] == _expected(found, HIT_KEYS[key], sort[0] == "-"), sort
            assert [h.id for h in paged] == [h.id for h in found], sort


def test_partner_sorts_by_the_name_the_viewer_is_shown(store: Store, pool: ListPool) -> None:
    with store.begin() as conn:
        found = hits.hit_page(conn, pool.bank, part=Slice("partner")).items
    partners = list(dict.fromkeys(h.partner for h in found))
    # "a partner" is Alpha CERT: sorting by its hidden name would put it first.
    assert partners == ["Police DE", "Zulu Police", "a partner"]


def test_hit_filters_apply_in_sql(store: Store, pool: ListPool) -> None:
    with store.begin() as conn:
        hidden = hits.hit_page(conn, pool.bank, hits.HitFilter(access="hidden"))
        visible = hits.hit_page(conn, pool.bank, hits.HitFilter(access="visible"),
                                Slice(limit=5))
        text = hits.hit_page(conn, pool.bank, hits.HitFilter(text="ZULU-"))
        one = hits.hit_page(conn, pool.bank, hits.HitFilter(
            selectors=(f"domain {list_pool.ALPHA[1]}",)))
        literal = hits.hit_page(conn, pool.bank, hits.HitFilter(text="zulu%"))
    # The granted Zulu file is visible now: its two selectors left the hidden list.
    assert sorted(h.selector for h in hidden.items) == [
        "domain alpha-one.net", "domain alpha-two.net", "domain zulu-three.net"]
    assert visible.total == HIT_TOTAL - 3 and len(visible.items) == 5
    assert text.total == 3 and [h.partner for h in one.items] == ["a partner"]
    assert literal.total == 0  # a % typed in the box is a character, not a wildcard


def test_a_bad_sort_key_is_refused_in_one_line(store: Store, pool: ListPool) -> None:
    reads: list[Callable[[Connection, Slice], object]] = [
        lambda conn, part: hits.hit_page(conn, pool.bank, part=part),
        lambda conn, part: access_requests.request_page(conn, pool.bank, part=part),
        lambda conn, part: audit.trail_page(conn, pool.bank, part=part)]
    with store.begin() as conn:
        for sort in ("bogus", "-partner_name", "id;drop"):
            for read in reads:
                with pytest.raises(InvalidInput, match=r"^cannot sort .* by '.*': use ") as exc:
                    read(conn, Slice(sort))
                assert "\n" not in str(exc.value)


def test_access_requests_sort_by_each_key_both_ways(store: Store, pool: ListPool) -> None:
    with store.begin() as conn:
        for key, sort in _sorts(REQUEST_KEYS):
            mine = access_requests.request_page(conn, pool.bank, part=Slice(sort))
            paged = _all_pages(lambda part: access_requests.request_page(
                conn, pool.bank, part=part), sort, 2)
            assert mine.total == 3
            assert [r.id for r in mine.items] == _expected(mine.items, REQUEST_KEYS[key],
                                                           sort[0] == "-"), sort
            assert [r.id for r in paged] == [r.id for r in mine.items], sort


def test_an_anonymous_holder_sorts_as_a_partner(store: Store, pool: ListPool) -> None:
    with store.begin() as conn:
        holders = [r.holder for r in access_requests.request_page(
            conn, pool.bank, part=Slice("holder")).items]
        pending = access_requests.request_page(conn, pool.zulu, status="pending")
    assert holders == ["Zulu Police", "Zulu Police", "a partner"]
    assert pending.total == 1 and pending.items[0].requester == "Bank NL"


def test_audit_trail_sorts_by_each_key_both_ways(store: Store, pool: ListPool) -> None:
    with store.begin() as conn:
        for key, sort in _sorts(AUDIT_KEYS):
            events = audit.trail_page(conn, pool.bank, part=Slice(sort))
            paged = _all_pages(lambda part: audit.trail_page(conn, pool.bank, part=part),
                               sort, 3)
            assert events.total == len(events.items) > 5
            assert [e.id for e in events.items] == _expected(events.items, AUDIT_KEYS[key],
                                                             sort[0] == "-"), sort
            assert [e.id for e in paged] == [e.id for e in events.items], sort


def test_audit_events_carry_the_tlp_the_viewer_may_see(store: Store, pool: ListPool) -> None:
    with store.begin() as conn:
        asked = audit.trail_page(conn, pool.bank, action="access.request").items
        decided = audit.trail_page(conn, pool.zulu, action="access.").items
        submitted = audit.trail_page(conn, pool.zulu, action="contribution.submit").items
        actions = audit.trail_actions(conn, pool.bank)
    # Only the request for the granted file names its TLP to the bank.
    assert sorted((e.tlp or "") for e in asked) == ["", "", "amber"]
    assert sorted((e.action, e.tlp) for e in decided) == [
        ("access.granted", "amber"), ("access.request", "amber"), ("access.request", "amber")]
    assert [e.tlp for e in submitted] == ["amber", "amber"]
    assert "access.request" in actions and actions == sorted(actions)


def test_a_stranger_gets_empty_lists_and_zero_counts(store: Store, pool: ListPool) -> None:
    with store.begin() as conn:
        found = hits.hit_page(conn, pool.stranger, part=Slice("partner", 10))
        requests = access_requests.request_page(conn, pool.stranger, part=Slice("holder"))
        trail = audit.trail_page(conn, pool.stranger, part=Slice("-at"))
    assert (found.items, found.total) == ([], 0)
    assert (requests.items, requests.total) == ([], 0)
    # Only its own doings and the operator creating it: nothing of the other partners.
    assert {e.actor for e in trail.items} <= {pool.stranger.email, "operator"}
    assert all(e.tlp is None for e in trail.items)
