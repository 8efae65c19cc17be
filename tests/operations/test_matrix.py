"""The authorisation matrix of operations: every operation read path, and every read path that
taking part opens (search, contribution list and show, export, hits), crossed with lead,
participant, observer, invited-not-joined, removed participant, stranger and host admin.
Exact rows, on both stores."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.errors import NotFound
from intelpool.matching import hits
from intelpool.operations import service, work
from intelpool.pool import export, reads
from tests.conftest import Store
from tests.operations.world import OP_SELECTORS, VIEWERS, build

READERS = {"lead", "participant", "observer"}
Read = Callable[[Connection, Principal, int, int], int]


def _show(conn: Connection, who: Principal, op: int, _cid: int) -> int:
    try:
        return len(service.show(conn, who, op).contributions)
    except NotFound:
        return 0


def _timeline(conn: Connection, who: Principal, op: int, _cid: int) -> int:
    try:
        return sum(1 for e in service.timeline(conn, who, op) if e.action == "operation.attach")
    except NotFound:
        return 0


def _contribution_show(conn: Connection, who: Principal, _op: int, cid: int) -> int:
    try:
        return len(reads.show_contribution(conn, who, cid).observations)
    except NotFound:
        return 0


def _export(conn: Connection, who: Principal, _op: int, cid: int) -> int:
    out = io.BytesIO()
    export.export(conn, who, export.ExportRequest("csv"), out)
    return sum(1 for v in OP_SELECTORS[:2] if v.encode() in out.getvalue())


def _hits(conn: Connection, who: Principal, _op: int, cid: int) -> int:
    return sum(1 for h in hits.list_hits(conn, who).hits
               if h.partner_visible and cid in h.partner_contributions)


PATHS: dict[str, tuple[Read, dict[str, int]]] = {
    "operation list": (lambda c, w, op, cid: len(service.list_operations(c, w)),
                       {"lead": 1, "participant": 1, "observer": 1, "invited": 1}),
    "operation show": (_show, dict.fromkeys(READERS, 1)),
    "operation timeline": (_timeline, dict.fromkeys(READERS, 1)),
    "tasks": (lambda c, w, op, cid: len(work.my_tasks(c, w)), {"participant": 1}),
    "search": (lambda c, w, op, cid: len(reads.search(c, w, OP_SELECTORS[0])),
               dict.fromkeys(READERS, 1)),
    "contribution list": (lambda c, w, op, cid: sum(
        1 for v in reads.list_contributions(c, w) if v.id == cid), dict.fromkeys(READERS, 1)),
    "contribution show": (_contribution_show, dict.fromkeys(READERS, 3)),
    "export": (_export, dict.fromkeys(READERS, 2)),
    "hits": (_hits, {"lead": 1, "observer": 1}),
}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_operation_matrix(store: Store, tmp_path: Path, path: str) -> None:
    with store.begin() as conn:
        who, op, cid = build(conn, tmp_path, own_hit=path == "hits")
        work.add_task(conn, who["lead"], op, "trace the C2", "Partner Police")
    read, expected = PATHS[path]
    seen = {}
    for viewer in VIEWERS:
        with store.begin() as conn:
            seen[viewer] = read(conn, who[viewer], op, cid)
    assert seen == {v: expected.get(v, 0) for v in VIEWERS}


def test_a_removed_participant_loses_access_at_once(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who, op, cid = build(conn, tmp_path)
        assert len(reads.search(conn, who["observer"], OP_SELECTORS[0])) == 1
        service.remove(conn, who["lead"], op, "Watching Bank")
        assert reads.search(conn, who["observer"], OP_SELECTORS[0]) == []
        with pytest.raises(NotFound, match=f"no contribution {cid}"):
            reads.show_contribution(conn, who["observer"], cid)
        with pytest.raises(NotFound, match=f"^no operation {op}$"):
            service.show(conn, who["observer"], op)


def test_a_closed_operation_stays_readable_and_read_only(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who, op, _cid = build(conn, tmp_path)
        service.set_status(conn, who["lead"], op, "closed")
        assert len(reads.search(conn, who["observer"], OP_SELECTORS[0])) == 1
        assert service.show(conn, who["participant"], op).summary.status == "closed"
        with pytest.raises(Exception, match="closed: it is read-only"):
            work.add_note(conn, who["participant"], op, "late note")


def test_operations_are_unknown_to_outsiders_even_by_id(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who, op, _cid = build(conn, tmp_path)
        for viewer in ("stranger", "host admin", "removed", "invited"):
            with pytest.raises(NotFound) as hidden:
                service.show(conn, who[viewer], op)
            with pytest.raises(NotFound) as missing:
                service.show(conn, who[viewer], op + 100)
            assert str(hidden.value).replace(str(op), "N") == \
                str(missing.value).replace(str(op + 100), "N")
