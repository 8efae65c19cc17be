"""Operations beyond the matrix: linking in one call, entities, reminders, notifications that
never reach outsiders, and refusals with one clear line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from sqlalchemy import update

from intelpool.audit import notifications
from intelpool.db.tables import operation_tasks
from intelpool.db.types import utcnow
from intelpool.errors import Forbidden, InvalidInput, NotFound
from intelpool.operations import alerts, links, service, work
from tests import factories as f
from tests.conftest import Store
from tests.operations.world import build, member

BUNDLE = {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
          "objects": [{"type": "malware", "spec_version": "2.1",
                       "id": "malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
                       "created": "2026-01-01T00:00:00.000Z",
                       "modified": "2026-01-01T00:00:00.000Z", "name": "EvilBot",
                       "is_family": True}]}


def test_create_links_selectors_and_entities_in_one_call(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        de = member(conn, "Police DE", "law-enforcement", "DE")
        fr = member(conn, "Police FR", "law-enforcement", "FR")
        bundle = tmp_path / "bundle.json"
        bundle.write_bytes(orjson.dumps(BUNDLE))
        f.submit_file(conn, de, bundle, tlp="green")
        f.submit_lines(conn, de, tmp_path, ["evilbot-c2.net"], tlp="green")
        op = service.create(conn, de, "Operation One Call",
                            selectors=[("domain", "evilbot-c2.net")], entities=["evilbot"])
        assert [t.target for t in service.show(conn, de, op).targets] == [
            "domain evilbot-c2.net", "entity evilbot"]
        other = service.create(conn, fr, "Operation Two", entities=["EvilBot"])
        assert [(a.your_target, a.match) for a in alerts.list_alerts(conn, fr)] == [
            ("entity evilbot", "entity")]
        assert service.show(conn, fr, other).targets[0].target == "entity evilbot"
        with pytest.raises(NotFound, match=r"^no network '12'$"):
            service.create(conn, de, "From a network", from_network="12")
        with pytest.raises(NotFound, match=r"^no entity 'Nobody' that you may see$"):
            links.link(conn, de, op, [], ["Nobody"])


def test_refusals_name_the_record_and_the_reason(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who, op, cid = build(conn, tmp_path)
        with pytest.raises(InvalidInput, match=r"^Partner Police is already joined in"):
            service.invite(conn, who["lead"], op, "Partner Police")
        with pytest.raises(Forbidden, match="observers read only"):
            work.add_note(conn, who["observer"], op, "a note")
        with pytest.raises(Forbidden, match=r"^only the lead organisation"):
            service.invite(conn, who["participant"], op, "Stranger Police")
        with pytest.raises(InvalidInput, match="does not take part in operation"):
            work.add_task(conn, who["lead"], op, "x", "Watching Bank")
        with pytest.raises(InvalidInput, match=r"is in the past$"):
            work.add_task(conn, who["lead"], op, "x", "Lead Police",
                          utcnow() - timedelta(days=1))
        with pytest.raises(InvalidInput, match=r"^country IT is not among"):
            work.add_action_day(conn, who["lead"], op, utcnow(), "IT", "arrest", [])
        with pytest.raises(InvalidInput, match=r"^unknown action 'raid'"):
            work.add_action_day(conn, who["lead"], op, utcnow(), "DE", "raid", [])
        with pytest.raises(NotFound, match=f"^no contribution {cid} of your organisation$"):
            links.attach(conn, who["lead"], op, cid)
        with pytest.raises(InvalidInput, match="already shared"):
            links.attach(conn, who["participant"], op, cid)


def test_due_and_overdue_tasks_are_reminded_once(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who, op, _cid = build(conn, tmp_path)
        task = work.add_task(conn, who["lead"], op, "report", "Partner Police",
                             utcnow() + timedelta(hours=20))
        assert work.remind(conn) == 1
        assert work.remind(conn) == 0
        conn.execute(update(operation_tasks).where(operation_tasks.c.id == task).values(
            due_at=utcnow() - timedelta(hours=1)))
        assert work.remind(conn) == 1
        kinds = [n.kind for n in notifications.inbox(conn, who["participant"])]
        assert kinds[:2] == ["task-overdue", "task-due"]
        assert [t.overdue for t in work.my_tasks(conn, who["participant"])] == [True]
        work.set_task_done(conn, who["participant"], task, True)
        assert work.my_tasks(conn, who["participant"]) == []


def test_outsiders_get_no_notification_about_an_operation(store: Store,
                                                          tmp_path: Path) -> None:
    with store.begin() as conn:
        who, op, _cid = build(conn, tmp_path)
        work.add_task(conn, who["lead"], op, "trace", "Partner Police")
        service.set_status(conn, who["lead"], op, "active")
        for viewer in ("stranger", "host admin"):
            assert [n for n in notifications.inbox(conn, who[viewer])
                    if n.subject_type == "operation"] == []
        assert "Operation Matrix" in " ".join(
            n.message for n in notifications.inbox(conn, who["participant"]))
