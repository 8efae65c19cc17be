"""What is held for a lead to release: listed and counted for that lead only, gone once
released or cancelled."""

from __future__ import annotations

from pathlib import Path

from intelpool.operations import held, rfi, work
from tests import factories as f
from tests.conftest import Store
from tests.operations.test_deconfliction import _bank_in_police_operation
from tests.operations.world import member


def test_the_lead_alone_sees_what_waits_for_it_until_it_releases(store: Store,
                                                                 tmp_path: Path) -> None:
    with store.begin() as conn:
        de, it, bank, op = _bank_in_police_operation(conn, tmp_path)
        reader = f.user(conn, "Police DE", "reader")
        stranger = member(conn, "Police PL", "law-enforcement", "PL")
        note = work.add_note(conn, bank, op, "Please take down the login page",
                             takedown=["login.evil-c2.net"])
        request = rfi.create(conn, bank, rfi.RfiRequest(
            to=["Police IT"], question="Take it down", selectors=["evil-c2.net"],
            takedown=True))
        waiting = held.held_for(conn, de)
        assert [(h.subject_type, h.id, h.sender) for h in waiting] == [
            ("operation_note", note, "Bank NL"), ("rfi", request, "Bank NL")]
        assert waiting[0].touches[0][2:] == ("domain evil-c2.net", "subdomain")
        assert waiting[1].touches[0][1:] == ("Operation Falcon", "domain evil-c2.net",
                                             "exact")
        assert "take down" not in str(waiting).lower()  # pointers, never the text
        assert held.count_held(conn, de) == 2
        operation = waiting[0].touches[0][0]
        assert operation is not None and len(held.held_for(conn, de, operation)) == 2
        for who in (it, bank, reader, stranger):
            assert held.held_for(conn, who) == [] and held.count_held(conn, who) == 0
        work.release_note(conn, de, note)
        rfi.change(conn, bank, request, "cancel")
        assert held.held_for(conn, de) == [] and held.count_held(conn, de) == 0
