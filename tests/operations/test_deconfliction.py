"""Deconfliction of operations: pointers between leads, never intelligence."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.audit import notifications
from intelpool.db.types import utcnow
from intelpool.errors import NotFound
from intelpool.matching.deconflict import deconflict
from intelpool.operations import alerts, links, rfi, rfi_views, service, work
from intelpool.pool import reads
from tests import factories as f
from tests.conftest import Store
from tests.operations.world import member


def _two_leads(conn: Connection, tmp_path: Path) -> tuple[Principal, Principal, int, int]:
    de = member(conn, "Police DE", "law-enforcement", "DE")
    fr = member(conn, "Police FR", "law-enforcement", "FR")
    f.submit_lines(conn, de, tmp_path, ["evil-c2.net", "45.80.20.0/24"], tlp="amber")
    f.submit_lines(conn, fr, tmp_path, ["cdn.evil-c2.net", "45.80.20.41", "mule@evil-c2.net"],
                   tlp="red")
    op_de = service.create(conn, de, "Operation Falcon", description="the DE case")
    links.link(conn, de, op_de, ["evil-c2.net", "45.80.20.0/24"], [])
    op_fr = service.create(conn, fr, "Operation Secret Owl", description="FR only",
                           confidential=True)
    links.link(conn, fr, op_fr, ["cdn.evil-c2.net", "45.80.20.41", "mule@evil-c2.net"], [])
    return de, fr, op_de, op_fr


def _messages(conn: Connection, who: Principal, kind: str) -> list[str]:
    return [n.message for n in notifications.inbox(conn, who) if n.kind == kind]


def test_overlapping_targets_alert_both_leads_and_confidential_stays_unnamed(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        de, fr, _op_de, op_fr = _two_leads(conn, tmp_path)
        de_view = {(a.your_target, a.match): a for a in alerts.list_alerts(conn, de)}
        fr_view = {(a.your_target, a.match): a for a in alerts.list_alerts(conn, fr)}
        assert sorted(de_view) == [("cidr 45.80.20.0/24", "cidr"),
                                   ("domain evil-c2.net", "email-domain"),
                                   ("domain evil-c2.net", "subdomain")]
        assert sorted(fr_view) == [("domain cdn.evil-c2.net", "subdomain"),
                                   ("email mule@evil-c2.net", "email-domain"),
                                   ("ipv4 45.80.20.41", "cidr")]
        assert {(a.other_lead, a.contact) for a in de_view.values()} == {
            ("an operation of a partner", None)}
        assert {(a.other_lead, a.contact) for a in fr_view.values()} == {
            ("an operation of Police DE", de.email)}
        told = " ".join(_messages(conn, de, "deconfliction"))
        assert "DC-" in told and "an operation of a partner" in told
        for secret in ("Owl", "FR only", "Police FR", "cdn.evil-c2.net", "45.80.20.41",
                       "mule@"):
            assert secret not in told
        assert "Falcon" not in " ".join(_messages(conn, fr, "deconfliction"))
        # no content crosses: each lead still sees nothing of the other's data
        assert reads.search(conn, de, "cdn.evil-c2.net") == []
        with pytest.raises(NotFound):
            service.show(conn, de, op_fr)
        number = de_view[("cidr 45.80.20.0/24", "cidr")].number
        alerts.reveal(conn, fr, op_fr, number)
        revealed = {a.number: a for a in alerts.list_alerts(conn, de)}
        assert (revealed[number].other_lead, revealed[number].contact) == (
            "an operation of Police FR", fr.email)
        assert {a.other_lead for n, a in revealed.items() if n != number} == {
            "an operation of a partner"}
        alerts.resolve(conn, de, number, "joint", "one team")
        assert {a.number: a.other_outcome for a in alerts.list_alerts(conn, fr)}[number] \
            == "joint"


def test_action_days_within_seven_days_on_one_target_alert_both(store: Store,
                                                                tmp_path: Path) -> None:
    with store.begin() as conn:
        de, fr, op_de, op_fr = _two_leads(conn, tmp_path)
        day = utcnow() + timedelta(days=20)
        work.add_action_day(conn, de, op_de, day, "DE", "takedown", ["evil-c2.net"])
        work.add_action_day(conn, fr, op_fr, day + timedelta(days=30), "FR", "search",
                            ["cdn.evil-c2.net"])
        assert [a for a in alerts.list_alerts(conn, de) if a.kind == "action-day"] == []
        work.add_action_day(conn, fr, op_fr, day + timedelta(days=6), "FR", "arrest",
                            ["cdn.evil-c2.net"])
        assert [(a.kind, a.your_target) for a in alerts.list_alerts(conn, de)
                if a.kind == "action-day"] == [("action-day", "domain evil-c2.net")]
        assert [(a.kind, a.your_target) for a in alerts.list_alerts(conn, fr)
                if a.kind == "action-day"] == [("action-day", "domain cdn.evil-c2.net")]


def test_private_partners_never_learn_of_police_operations(store: Store,
                                                           tmp_path: Path) -> None:
    with store.begin() as conn:
        de, _fr, _op_de, _op_fr = _two_leads(conn, tmp_path)
        bank = member(conn, "Bank NL", "private", "NL")
        f.submit_lines(conn, bank, tmp_path, ["evil-c2.net"], tlp="amber")
        op_bank = service.create(conn, bank, "Bank fraud case")
        links.link(conn, bank, op_bank, ["evil-c2.net"], [])
        assert alerts.list_alerts(conn, bank) == []
        assert _messages(conn, bank, "deconfliction") == []
        assert [r.operations for r in deconflict(conn, bank, ["evil-c2.net"])] == [[]]
        police_side = [a for a in alerts.list_alerts(conn, de) if a.other_lead.endswith("NL")]
        assert [(a.your_target, a.match) for a in police_side] == [
            ("domain evil-c2.net", "exact")]
        # the police lead's own deconfliction check points at the other lead's operations
        pointers = deconflict(conn, de, ["x.cdn.evil-c2.net"])[0].operations
        assert sorted(p.lead for p in pointers) == ["an operation of Bank NL",
                                                    "an operation of a partner"]
        stranger = member(conn, "Police IT", "law-enforcement", "IT")
        assert deconflict(conn, stranger, ["evil-c2.net"])[0].operations == []
        assert alerts.list_alerts(conn, stranger) == []
        with pytest.raises(NotFound, match=r"^no deconfliction alert DC-1$"):
            alerts.resolve(conn, stranger, "DC-1", "proceed")


def test_a_private_takedown_request_on_a_police_target_is_held(store: Store,
                                                               tmp_path: Path) -> None:
    with store.begin() as conn:
        de, _fr, _op_de, _op_fr = _two_leads(conn, tmp_path)
        bank = member(conn, "Bank NL", "private", "NL")
        registrar = member(conn, "Registrar CERT", "cert", "NL")
        request = rfi.RfiRequest(to=["Registrar CERT"], question="Please take down",
                                 selectors=["login.evil-c2.net"], takedown=True)
        rfi_id = rfi.create(conn, bank, request)
        assert rfi_views.list_rfis(conn, registrar) == []
        assert [r.status for r in rfi_views.list_rfis(conn, bank)] == ["held"]
        held = _messages(conn, de, "takedown-held")
        assert len(held) == 1 and f"request for information {rfi_id}" in held[0]
        assert "(/held)" in held[0] and f"'intelpool rfi release {rfi_id}'" in held[0]
        assert _messages(conn, registrar, "rfi-received") == []
        rfi.release(conn, de, rfi_id)
        assert [r.id for r in rfi_views.list_rfis(conn, registrar)] == [rfi_id]


def test_targets_leave_the_register_when_they_expire(store: Store, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTELPOOL_DECONFLICTION_MONTHS", "0")
    with store.begin() as conn:
        de, fr, op_de, _op_fr = _two_leads(conn, tmp_path)
        assert alerts.list_alerts(conn, de) == []
        assert service.renew(conn, de, op_de, 24) == 2
        assert deconflict(conn, fr, ["evil-c2.net"])[0].operations[0].lead == \
            "an operation of Police DE"


def _bank_in_police_operation(conn: Connection, tmp_path: Path
                              ) -> tuple[Principal, Principal, Principal, int]:
    """Police DE leads an operation on evil-c2.net; Bank NL joins Police IT's operation."""
    de, _fr, _op_de, _op_fr = _two_leads(conn, tmp_path)
    it = member(conn, "Police IT", "law-enforcement", "IT")
    bank = member(conn, "Bank NL", "private", "NL")
    op = service.create(conn, it, "Operation Mule")
    service.invite(conn, it, op, "Bank NL")
    service.join(conn, bank, op)
    return de, it, bank, op


def test_a_private_takedown_note_on_a_police_target_is_held(store: Store,
                                                            tmp_path: Path) -> None:
    with store.begin() as conn:
        de, it, bank, op = _bank_in_police_operation(conn, tmp_path)
        note = work.add_note(conn, bank, op, "Please take down the login page",
                             takedown=["login.evil-c2.net"])
        assert work.notes_of(conn, op) == []
        assert service.show(conn, bank, op).notes == []
        assert "take down" not in str(service.timeline(conn, it, op))
        held = _messages(conn, de, "takedown-held")
        assert len(held) == 1 and f"note {note}" in held[0] and "Mule" not in held[0]
        assert _messages(conn, it, "takedown-held") == []
        for who in (it, bank, member(conn, "Police PL", "law-enforcement", "PL")):
            with pytest.raises(NotFound, match=rf"^no held note {note}$"):
                work.release_note(conn, who, note)
        work.release_note(conn, de, note)
        assert [n.text for n in service.show(conn, it, op).notes] == [
            "Please take down the login page"]
        with pytest.raises(NotFound, match=rf"^no held note {note}$"):
            work.release_note(conn, de, note)


def test_a_takedown_note_touching_nothing_or_by_the_police_is_plain(store: Store,
                                                                   tmp_path: Path) -> None:
    with store.begin() as conn:
        de, it, bank, op = _bank_in_police_operation(conn, tmp_path)
        work.add_note(conn, bank, op, "Take down the shop", takedown=["shop.example"])
        work.add_note(conn, it, op, "Take down the login", takedown=["login.evil-c2.net"])
        assert [n.text for n in work.notes_of(conn, op)] == ["Take down the shop",
                                                             "Take down the login"]
        assert _messages(conn, de, "takedown-held") == []
