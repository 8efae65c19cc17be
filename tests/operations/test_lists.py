"""The operations and RFI lists sort and page in SQL, under each viewer's visibility."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Connection

from intelpool.db.sorting import Listed, Slice
from intelpool.errors import InvalidInput
from intelpool.operations import rfi_views, service
from intelpool.operations.models import OperationSummary, RfiView
from tests.conftest import Store
from tests.operations import list_world
from tests.operations.list_world import ListWorld

T = TypeVar("T")

OPERATION_KEYS: dict[str, Callable[[OperationSummary], Any]] = {
    "id": lambda o: o.id, "name": lambda o: o.name, "lead": lambda o: o.lead,
    "status": lambda o: o.status, "created": lambda o: o.created_at}
RFI_KEYS: dict[str, Callable[[RfiView], Any]] = {
    "id": lambda r: r.id, "due": lambda r: (r.due_at is None, r.due_at or r.created_at),
    "status": lambda r: r.status, "requester": lambda r: r.requester,
    "part": lambda r: r.your_part, "created": lambda r: r.created_at}


@pytest.fixture
def lw(store: Store, tmp_path: Path) -> ListWorld:
    with store.begin() as conn:
        return list_world.build(conn, tmp_path)


def _expected(items: list[T], key: Callable[[T], Any], descending: bool) -> list[int]:
    ids = [i.id for i in sorted(items, key=lambda i: (key(i), i.id))]  # type: ignore[attr-defined]
    return ids[::-1] if descending else ids


def _all_pages(read: Callable[[Slice], Listed[T]], sort: str, size: int) -> list[T]:
    seen: list[T] = []
    while True:
        page = read(Slice(sort, size, len(seen)))
        seen += page.items
        if len(page.items) < size:
            return seen


def _check_sorts(read: Callable[[Slice], Listed[T]], keys: dict[str, Callable[[T], Any]],
                 total: int, size: int) -> None:
    for key in keys:
        for sort in (key, "-" + key):
            found = read(Slice(sort))
            paged = _all_pages(read, sort, size)
            assert found.total == len(found.items) == total, sort
            assert [i.id for i in found.items] == _expected(  # type: ignore[attr-defined]
                found.items, keys[key], sort[0] == "-"), sort
            assert [i.id for i in paged] == [i.id for i in found.items], sort  # type: ignore[attr-defined]


def test_operations_page_to_the_last_one_and_sort_by_each_key(store: Store,
                                                               lw: ListWorld) -> None:
    lead = lw.who["lead"]
    with store.begin() as conn:
        last = service.operation_page(conn, lead, part=Slice("id", 5, 10))
        _check_sorts(lambda part: service.operation_page(conn, lead, part=part),
                     OPERATION_KEYS, lw.lead_ops, 5)
        joined = service.operation_page(conn, lead, "joined", Slice("name", 3))
        everything = service.list_operations(conn, lead)
    assert last.total == lw.lead_ops and len(last.items) == lw.lead_ops - 10
    assert joined.total == lw.lead_ops and [o.name for o in joined.items] == [
        "Operation Matrix", "op-00", "op-01"]
    assert [o.id for o in everything] == sorted((o.id for o in everything), reverse=True)


def test_rfis_page_to_the_last_one_and_sort_by_each_key(store: Store, lw: ListWorld) -> None:
    lead = lw.who["lead"]
    with store.begin() as conn:
        _check_sorts(lambda part: rfi_views.rfi_page(conn, lead, part=part), RFI_KEYS,
                     lw.lead_rfis, 3)
        inbox = rfi_views.rfi_page(conn, lead, "inbox", Slice("-id", 2))
        outbox = rfi_views.rfi_page(conn, lead, "outbox")
        counts = rfi_views.rfi_counts(conn, lead)
        expired = rfi_views.rfi_page(conn, lead, part=Slice("status", 1))
        everything = rfi_views.list_rfis(conn, lead)
    assert {r.your_part for r in outbox.items} == {"requester"}
    assert inbox.total == counts["inbox"] == 4 and len(inbox.items) == 2
    assert outbox.total == counts["outbox"] == 6
    asked = {o.id for o in outbox.items}
    assert {r.your_part for r in everything if r.id not in asked} == {"recipient"}
    assert expired.items[0].id == lw.expired and expired.items[0].status == "expired"


def test_the_part_is_computed_for_every_viewer(store: Store, lw: ListWorld) -> None:
    with store.begin() as conn:
        for name in ("lead", "participant"):
            viewer = lw.who[name]
            for view in rfi_views.rfi_page(conn, viewer).items:
                assert view.your_part == rfi_views.show(conn, viewer, view.id).your_part


def test_a_bad_sort_key_is_refused_in_one_line(store: Store, lw: ListWorld) -> None:
    reads: list[Callable[[Connection, Slice], object]] = [
        lambda conn, part: service.operation_page(conn, lw.who["lead"], part=part),
        lambda conn, part: rfi_views.rfi_page(conn, lw.who["lead"], part=part)]
    with store.begin() as conn:
        for sort in ("bogus", "-lead_org_id", "id;drop"):
            for read in reads:
                with pytest.raises(InvalidInput, match=r"^cannot sort .* by '.*': use ") as exc:
                    read(conn, Slice(sort))
                assert "\n" not in str(exc.value)
        with pytest.raises(InvalidInput, match="no box 'spam'"):
            rfi_views.rfi_page(conn, lw.who["lead"], "spam")


@pytest.mark.parametrize("viewer", ["stranger", "removed"])
def test_a_stranger_or_removed_member_lists_nothing(store: Store, lw: ListWorld,
                                                    viewer: str) -> None:
    who = lw.who[viewer]
    with store.begin() as conn:
        for key in OPERATION_KEYS:
            assert service.operation_page(conn, who, part=Slice(key)) == Listed([], 0)
        for key in RFI_KEYS:
            assert rfi_views.rfi_page(conn, who, part=Slice(key)) == Listed([], 0)
        assert rfi_views.rfi_counts(conn, who) == {"inbox": 0, "outbox": 0}


def test_an_invited_organisation_lists_the_invitation_only(store: Store,
                                                           lw: ListWorld) -> None:
    invited = lw.who["invited"]
    with store.begin() as conn:
        joined = service.operation_page(conn, invited, "joined")
        waiting = service.operation_page(conn, invited, "invited", Slice("name"))
    assert joined == Listed([], 0)
    assert [(o.id, o.your_state) for o in waiting.items] == [(lw.matrix, "invited")]
    assert waiting.total == 1
