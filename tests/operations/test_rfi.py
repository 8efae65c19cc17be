"""Requests for information and consultations: who sees the request, its answers and the
answers' files; answer handling, on-behalf requests, states."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, update

from intelpool.access import Principal
from intelpool.access.handling import HandlingRequest
from intelpool.audit import notifications
from intelpool.db.tables import rfis
from intelpool.db.types import utcnow
from intelpool.errors import Forbidden, InvalidInput, NotFound
from intelpool.matching import hits
from intelpool.operations import links, rfi, rfi_answers, rfi_views, service, work
from intelpool.pool import ingest, reads
from tests import factories as f
from tests.conftest import Store
from tests.operations.world import member

ANSWER = ["answer-c2.net", "45.80.21.9"]


def _people(conn: Connection) -> dict[str, Principal]:
    return {
        "requester": member(conn, "Police DE", "law-enforcement", "DE"),
        "recipient": member(conn, "Bank NL", "private", "NL"),
        "other recipient": member(conn, "National CERT", "cert", "NL"),
        "stranger": member(conn, "Police IT", "law-enforcement", "IT"),
        "host admin": member(conn, "Host Centre", "host", "NL", role="admin"),
    }


def _file(tmp_path: Path, lines: list[str], tlp: str = "amber") -> ingest.Submission:
    path = tmp_path / f"answer-{len(list(tmp_path.iterdir()))}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ingest.Submission(path=path, handling=HandlingRequest(tlp=tlp))


def _ask(conn: Connection, who: dict[str, Principal], **kwargs: object) -> int:
    request = rfi.RfiRequest(to=["Bank NL", "National CERT"], question="Who runs this C2?",
                             items=["hosting", "payments"], selectors=["answer-c2.net"],
                             **kwargs)  # type: ignore[arg-type]
    return rfi.create(conn, who["requester"], request)


def test_an_answer_file_reaches_the_requester_only_and_raises_hits(store: Store,
                                                                   tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _people(conn)
        f.submit_lines(conn, who["requester"], tmp_path, ["45.80.21.9"], tlp="amber")
        rfi_id = _ask(conn, who)
        rfi.respond(conn, who["recipient"], rfi_id, accept=True)
        rfi_answers.answer(conn, who["recipient"], rfi_id, "bulletproof host", item=1,
                           submission=_file(tmp_path, ANSWER))
        seen = {name: sorted(o.value for v in ANSWER for o in reads.search(conn, p, v)
                             if o.originator == "Bank NL") for name, p in who.items()}
        assert seen == {"requester": ANSWER[::-1], "recipient": ANSWER[::-1],
                        "other recipient": [], "stranger": [], "host admin": []}
        mine = [h for h in hits.list_hits(conn, who["requester"]).hits
                if h.selector == "ipv4 45.80.21.9"]
        assert [(h.partner, h.partner_visible) for h in mine] == [("Bank NL", True)]
        states = {r.organisation: r.state for r in rfi_views.show(
            conn, who["requester"], rfi_id).recipients}
        assert states == {"Bank NL": "in-progress", "National CERT": "submitted"}
        rfi_answers.answer(conn, who["recipient"], rfi_id, "paid in XMR", item=2)
        assert {r.organisation: r.state for r in rfi_views.show(
            conn, who["requester"], rfi_id).recipients}["Bank NL"] == "answered"


def test_rfi_matrix(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _people(conn)
        rfi_id = _ask(conn, who)
        rfi_answers.answer(conn, who["recipient"], rfi_id, "bulletproof host", item=1)
    rows = {}
    for name, p in who.items():
        with store.begin() as conn:
            listed = rfi_views.list_rfis(conn, p)
            try:
                shown = rfi_views.show(conn, p, rfi_id)
                detail = (len(shown.recipients), len(shown.answers), len(shown.selectors))
            except NotFound:
                detail = None
            rows[name] = (len(listed), detail)
    assert rows == {"requester": (1, (2, 1, 1)), "recipient": (1, (1, 1, 1)),
                    "other recipient": (1, (1, 0, 1)), "stranger": (0, None),
                    "host admin": (0, None)}


def test_a_stricter_answer_waits_for_the_answerers_consent(store: Store,
                                                            tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _people(conn)
        rfi_id = _ask(conn, who, answer_tlp="amber")
        answer = rfi_answers.answer(conn, who["recipient"], rfi_id, "see file", item=1,
                                    submission=_file(tmp_path, ANSWER, tlp="red"))
        assert reads.search(conn, who["requester"], ANSWER[0]) == []
        shown = rfi_views.show(conn, who["requester"], rfi_id)
        assert shown.answers == []
        with pytest.raises(NotFound):
            rfi_answers.consent(conn, who["other recipient"], answer)
        rfi_answers.consent(conn, who["recipient"], answer)
        found = reads.search(conn, who["requester"], ANSWER[0])
        assert [(o.handling.tlp, o.originator) for o in found] == [("amber", "Bank NL")]


def test_on_behalf_the_host_asks_and_recipients_never_learn_who(store: Store,
                                                                tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _people(conn)
        rfi_id = _ask(conn, who, on_behalf=True)
        view = rfi_views.list_rfis(conn, who["recipient"])[0]
        assert view.requester == "Host Centre"
        assert "Police DE" not in str(rfi_views.show(conn, who["recipient"], rfi_id))
        assert rfi_views.show(conn, who["host admin"], rfi_id).your_part == "host"
        assert rfi_views.show(conn, who["requester"], rfi_id).requester == \
            "Police DE (asked through the host centre)"
        rfi_answers.answer(conn, who["recipient"], rfi_id, "see file",
                           submission=_file(tmp_path, ANSWER))
        cid = rfi_views.show(conn, who["requester"], rfi_id).answers[0].contribution_id
        assert cid is not None
        detail = reads.show_contribution(conn, who["recipient"], cid)
        assert detail.contribution.handling.audience == ["org:Host Centre"]
        assert len(reads.search(conn, who["requester"], ANSWER[0])) == 1
        assert len(reads.search(conn, who["host admin"], ANSWER[0])) == 1
        assert reads.search(conn, who["other recipient"], ANSWER[0]) == []


def test_a_consultation_shares_inputs_and_minutes_with_every_invitee(store: Store,
                                                                     tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _people(conn)
        rfi_id = rfi.create(conn, who["requester"], rfi.RfiRequest(
            to=["kind:private", "kind:cert"], question="Phishing kits this quarter",
            meeting_at=utcnow() + timedelta(days=10), agenda="1. trends 2. takedowns"))
        rfi_answers.answer(conn, who["recipient"], rfi_id, "kit X rising",
                           submission=_file(tmp_path, ANSWER))
        rfi_answers.add_minutes(conn, who["requester"], rfi_id, "agreed: share kit hashes")
        other = rfi_views.show(conn, who["other recipient"], rfi_id)
        assert [a.text for a in other.answers] == ["kit X rising"]
        assert [m.text for m in other.minutes] == ["agreed: share kit hashes"]
        assert len(reads.search(conn, who["other recipient"], ANSWER[0])) == 1
        assert reads.search(conn, who["stranger"], ANSWER[0]) == []


def test_an_operation_rfi_answer_is_shared_with_the_operation(store: Store,
                                                             tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _people(conn)
        fr = member(conn, "Police FR", "law-enforcement", "FR")
        op = service.create(conn, who["requester"], "Operation Answer")
        service.invite(conn, who["requester"], op, "Police FR")
        service.join(conn, fr, op)
        rfi_id = _ask(conn, who, operation_id=op)
        rfi_answers.answer(conn, who["recipient"], rfi_id, "see file",
                           submission=_file(tmp_path, ANSWER))
        assert len(reads.search(conn, fr, ANSWER[0])) == 1
        assert rfi_views.show(conn, who["recipient"], rfi_id).operation_id is None
        assert rfi_views.show(conn, who["requester"], rfi_id).operation_id == op
        links.link(conn, fr, op, [ANSWER[0]], [])


def test_states_close_reopen_expire_and_bad_inputs(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _people(conn)
        rfi_id = _ask(conn, who, due=utcnow() + timedelta(days=3))
        with pytest.raises(InvalidInput, match=r"^a decline needs its reason"):
            rfi.respond(conn, who["other recipient"], rfi_id, accept=False)
        rfi.respond(conn, who["other recipient"], rfi_id, False, "not our sector")
        with pytest.raises(InvalidInput, match=f"^you declined request for information "
                                               f"{rfi_id}$"):
            rfi_answers.answer(conn, who["other recipient"], rfi_id, "x")
        with pytest.raises(InvalidInput, match=r"has no item 7$"):
            rfi_answers.answer(conn, who["recipient"], rfi_id, "x", item=7)
        with pytest.raises(Forbidden):
            rfi.change(conn, who["recipient"], rfi_id, "close")
        assert rfi.change(conn, who["requester"], rfi_id, "close") == "closed"
        assert rfi.change(conn, who["requester"], rfi_id, "reopen") == "open"
        conn.execute(update(rfis).where(rfis.c.id == rfi_id).values(
            due_at=utcnow() - timedelta(hours=1)))
        assert rfi_views.show(conn, who["requester"], rfi_id).status == "expired"
        work.remind(conn)
        work.remind(conn)  # told once
        for name, told in (("requester", 1), ("recipient", 1), ("other recipient", 0),
                           ("stranger", 0)):
            expired = [n for n in notifications.inbox(conn, who[name])
                       if n.kind == "rfi-expired"]
            assert len(expired) == told, name
            assert all(f"request for information {rfi_id} expired" in n.message
                       for n in expired)
        with pytest.raises(InvalidInput, match=r"is expired$"):
            rfi_answers.answer(conn, who["recipient"], rfi_id, "late")
        with pytest.raises(InvalidInput, match=r"^due date .* is in the past$"):
            _ask(conn, who, due=utcnow() - timedelta(days=1))
        with pytest.raises(NotFound, match=r"^no organisation named 'Nobody'$"):
            rfi.create(conn, who["requester"], rfi.RfiRequest(to=["Nobody"], question="q"))
        with pytest.raises(NotFound, match=f"^no request for information {rfi_id}$"):
            rfi_views.show(conn, who["stranger"], rfi_id)


def test_a_green_answer_goes_to_the_requester_not_the_pool(store: Store,
                                                            tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _people(conn)
        rfi_id = _ask(conn, who)
        rfi_answers.answer(conn, who["recipient"], rfi_id, "see file",
                           submission=_file(tmp_path, ANSWER, tlp="green"))
        found = reads.search(conn, who["requester"], ANSWER[0])
        assert [o.handling.audience for o in found] == [["org:Police DE"]]
        assert reads.search(conn, who["stranger"], ANSWER[0]) == []
