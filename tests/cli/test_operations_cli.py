"""Operations and requests for information as users drive them from the command line."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from intelpool.db.types import utcnow
from tests.cli.runner import cli, ok
from tests.conftest import Store

DE, FR, BANK, IT = ("de@police.example", "fr@police.example", "soc@bank.example",
                    "it@police.example")


@pytest.fixture
def pool(store: Store, tmp_path: Path) -> Store:
    for name, kind, cc, email in (("Police DE", "law-enforcement", "DE", DE),
                                  ("Police FR", "law-enforcement", "FR", FR),
                                  ("Bank NL", "private", "NL", BANK),
                                  ("Police IT", "law-enforcement", "IT", IT)):
        ok(store, "org", "add", name, "--kind", kind, "--country", cc)
        ok(store, "user", "add", email, "--org", name, "--role", "analyst")
    own = tmp_path / "own.txt"
    own.write_text("botnet-c2.net\n45.80.22.1\n", encoding="utf-8")
    ok(store, "submit", str(own), "--as", DE, "--tlp", "amber")
    return store


def test_an_operation_from_creation_to_action_day(pool: Store, tmp_path: Path) -> None:
    op = json.loads(ok(pool, "operation", "create", "Operation Nightjar", "--as", DE,
                       "--theme", "botnet", "--json"))["id"]
    ok(pool, "operation", "invite", str(op), "Police FR", "--as", DE)
    ok(pool, "operation", "invite", str(op), "Bank NL", "--as", DE, "--role", "observer")
    assert "invites you to operation" in ok(pool, "notifications", "--as", FR)
    ok(pool, "operation", "join", str(op), "--as", FR)
    ok(pool, "operation", "join", str(op), "--as", BANK)
    shared = tmp_path / "fr.txt"
    shared.write_text("panel.botnet-c2.net\n45.80.22.9\n", encoding="utf-8")
    cid = json.loads(ok(pool, "submit", str(shared), "--as", FR, "--tlp", "red",
                        "--operation", str(op), "--json"))["contribution_id"]
    found = json.loads(ok(pool, "search", "panel.botnet-c2.net", "--as", BANK, "--json"))
    assert [(r["contribution_id"], r["handling"]["tlp"]) for r in found] == [(cid, "red")]
    assert json.loads(ok(pool, "search", "panel.botnet-c2.net", "--as", IT, "--json")) == []
    ok(pool, "operation", "link", str(op), "botnet-c2.net", "panel.botnet-c2.net", "--as", DE)
    due = (utcnow() + timedelta(days=5)).strftime("%Y-%m-%d")
    ok(pool, "operation", "task", "add", str(op), "Seize the panel", "--assign", FR,
       "--due", due, "--as", DE)
    tasks = json.loads(ok(pool, "tasks", "--as", FR, "--json"))
    assert [t["text"] for t in tasks] == ["Seize the panel"]
    ok(pool, "operation", "note", str(op), "Hoster cooperates", "--as", FR)
    day = (utcnow() + timedelta(days=9)).strftime("%Y-%m-%dT06:00")
    ok(pool, "operation", "action-day", str(op), day, "--country", "FR", "--action",
       "seizure", "--target", "45.80.22.9", "--note", "server room", "--as", FR)
    ok(pool, "operation", "action-day", str(op), day, "--country", "DE", "--action", "arrest",
       "--target", "botnet-c2.net", "--as", DE)
    ok(pool, "operation", "embargo", str(op), day, "--as", DE)
    detail = json.loads(ok(pool, "operation", "show", str(op), "--as", BANK, "--json"))
    plan = {cc: [(d["action"], d["targets"], d["decision"]) for d in days]
            for cc, days in detail["plan"].items()}
    assert plan == {"DE": [("arrest", ["domain botnet-c2.net"], None)],
                    "FR": [("seizure", ["ipv4 45.80.22.9"], None)]}
    first = detail["plan"]["FR"][0]["id"]
    ok(pool, "operation", "decide", str(first), "--go", "--as", DE)
    ok(pool, "operation", "status", str(op), "action-day", "--as", DE)
    ok(pool, "operation", "log", str(op), "06:05 server seized", "--as", FR)
    shown = ok(pool, "operation", "show", str(op), "--as", FR)
    assert "plan for FR" in shown and "go" in shown and "06:05 server seized" in shown
    timeline = json.loads(ok(pool, "operation", "timeline", str(op), "--as", BANK, "--json"))
    assert [e["action"] for e in timeline][:4] == ["operation.create", "operation.invite",
                                                    "operation.invite", "operation.join"]
    assert "operation.decision" in [e["action"] for e in timeline]
    listed = json.loads(ok(pool, "operation", "list", "--as", IT, "--json"))
    assert listed == []


BAD_INPUTS = [
    (["operation", "show", "99", "--as", DE], "no operation 99"),
    (["operation", "invite", "{op}", "Police FR", "--as", DE],
     "Police FR is already invited in operation {op}"),
    (["operation", "task", "add", "{op}", "x", "--assign", "Police IT", "--as", DE],
     "Police IT does not take part in operation {op}"),
    (["operation", "task", "add", "{op}", "x", "--assign", "Police DE", "--due", "2020-01-01",
      "--as", DE], "due date 2020-01-01 00:00 UTC is in the past"),
    (["operation", "link", "{op}", "secret.example.org", "--as", DE],
     "no selector domain secret.example.org that you may see"),
    (["operation", "action-day", "{op}", "2030-01-01", "--country", "IT", "--action",
      "arrest", "--as", DE], "country IT is not among operation {op}'s countries (DE)"),
    (["operation", "create", "X", "--from-network", "7", "--as", DE],
     "no network '7'"),
    (["operation", "show", "{op}", "--as", IT], "no operation {op}"),
    (["rfi", "create", "--to", "Police FR", "--question", "q", "--due", "2020-01-01",
      "--as", DE], "is in the past"),
    (["rfi", "show", "42", "--as", DE], "no request for information 42"),
]


def test_bad_input_gets_one_clear_line(pool: Store, tmp_path: Path) -> None:
    hidden = tmp_path / "hidden.txt"
    hidden.write_text("secret.example.org\n", encoding="utf-8")
    ok(pool, "submit", str(hidden), "--as", IT, "--tlp", "amber")
    op = json.loads(ok(pool, "operation", "create", "Op", "--as", DE, "--json"))["id"]
    ok(pool, "operation", "invite", str(op), "Police FR", "--as", DE)
    for args, message in BAD_INPUTS:
        code, _, err = cli(pool, *(a.replace("{op}", str(op)) for a in args))
        assert code == 1, args
        assert message.replace("{op}", str(op)) in err, (args, err)
        assert len(err.strip().splitlines()) == 1, err


def test_an_rfi_from_question_to_answer(pool: Store, tmp_path: Path) -> None:
    out = json.loads(ok(pool, "rfi", "create", "--as", DE, "--to", "Bank NL", "--question",
                        "Which accounts received the ransom?", "--item", "accounts",
                        "--item", "dates", "--selector", "botnet-c2.net", "--tlp", "amber",
                        "--answer-handling", "amber", "--json"))
    rfi_id = out["id"]
    assert "sends you request for information" in ok(pool, "notifications", "--as", BANK)
    listed = json.loads(ok(pool, "rfi", "list", "--as", BANK, "--json"))
    assert [(r["id"], r["requester"], r["status"]) for r in listed] == [
        (rfi_id, "Police DE", "open")]
    ok(pool, "rfi", "accept", str(rfi_id), "--as", BANK)
    answer = tmp_path / "answer.txt"
    answer.write_text("NL91ABNA0417164300\n45.80.22.1\n", encoding="utf-8")
    ok(pool, "rfi", "answer", str(rfi_id), "--item", "1", "--text", "two mule accounts",
       "--file", str(answer), "--tlp", "amber", "--as", BANK)
    shown = json.loads(ok(pool, "rfi", "show", str(rfi_id), "--as", DE, "--json"))
    assert [(a["item"], a["text"], a["delivered"]) for a in shown["answers"]] == [
        (1, "two mule accounts", True)]
    assert [(r["organisation"], r["state"]) for r in shown["recipients"]] == [
        ("Bank NL", "in-progress")]
    found = json.loads(ok(pool, "search", "NL91ABNA0417164300", "--as", DE, "--json"))
    assert [r["originator"] for r in found] == ["Bank NL"]
    assert json.loads(ok(pool, "search", "NL91ABNA0417164300", "--as", FR, "--json")) == []
    hits = json.loads(ok(pool, "hits", "--as", DE, "--json"))["hits"]
    assert [(h["selector"], h["partner"]) for h in hits] == [("ipv4 45.80.22.1", "Bank NL")]
    ok(pool, "rfi", "close", str(rfi_id), "--as", DE)
    assert "is closed" in ok(pool, "notifications", "--as", BANK)


def test_a_private_takedown_note_waits_for_the_touched_lead(pool: Store) -> None:
    mine = json.loads(ok(pool, "operation", "create", "Operation Nightjar", "--as", DE,
                         "--json"))["id"]
    ok(pool, "operation", "link", str(mine), "botnet-c2.net", "--as", DE)
    op = json.loads(ok(pool, "operation", "create", "Operation Mule", "--as", IT,
                       "--json"))["id"]
    ok(pool, "operation", "invite", str(op), "Bank NL", "--as", IT)
    ok(pool, "operation", "join", str(op), "--as", BANK)
    said = ok(pool, "operation", "note", str(op), "Seize the panel", "--as", BANK,
              "--takedown", "panel.botnet-c2.net")
    note = said.split()[1]
    assert "held" in said
    assert "Seize the panel" not in ok(pool, "operation", "show", str(op), "--as", IT)
    told = " ".join(ok(pool, "notifications", "--as", DE).split())
    assert f"takedown note (note {note}) from Bank NL" in told and "Mule" not in told
    code, _out, err = cli(pool, "operation", "release-note", note, "--as", IT)
    assert code != 0 and f"no held note {note}" in err
    ok(pool, "operation", "release-note", note, "--as", DE)
    assert "Seize the panel" in ok(pool, "operation", "show", str(op), "--as", IT)
