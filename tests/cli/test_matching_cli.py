"""The matching commands as a user runs them: hits, access, deconflict, score, rematch."""

from __future__ import annotations

import json
from pathlib import Path

from intelpool.cli.main import app
from tests.cli.test_cli import cli, ok, runner
from tests.conftest import Store


def test_hit_access_flow_on_the_command_line(store: Store, tmp_path: Path) -> None:
    for org, kind in (("Police DE", "law-enforcement"), ("Bank NL", "private")):
        ok(store, "org", "add", org, "--kind", kind)
    ok(store, "user", "add", "de@police.example", "--org", "Police DE", "--role", "contributor")
    ok(store, "user", "add", "nl@bank.example", "--org", "Bank NL", "--role", "analyst")
    police, bank = tmp_path / "police.txt", tmp_path / "bank.txt"
    police.write_text("45.137.21.9\n45.137.21.10\n", encoding="utf-8")
    bank.write_text("45.137.21.9\n", encoding="utf-8")
    ok(store, "submit", str(police), "--as", "de@police.example", "--tlp", "amber",
       "--handling", "H2")
    assert "1 hits with Police DE" in ok(store, "submit", str(bank), "--as", "nl@bank.example",
                                         "--tlp", "green")
    report = json.loads(ok(store, "hits", "--as", "nl@bank.example", "--json"))
    [hit] = report["hits"]
    assert (hit["partner"], hit["partner_visible"]) == ("Police DE", False)
    ok(store, "access", "request", str(hit["id"]), "--as", "nl@bank.example", "--reason",
       "same C2 in case 42")
    [request] = json.loads(ok(store, "access", "requests", "--as", "de@police.example",
                              "--json"))
    assert (request["status"], request["h2"]) == ("pending", True)
    assert "consent to release H2" in ok(store, "access", "grant", str(request["id"]),
                                         "--as", "de@police.example")
    found = json.loads(ok(store, "search", "45.137.21.10", "--as", "nl@bank.example",
                          "--json"))
    assert [r["originator"] for r in found] == ["Police DE"]
    notes = ok(store, "notifications", "--as", "nl@bank.example")
    assert "granted" in notes
    decon = json.loads(ok(store, "deconflict", "45.137.21.9", "--as", "nl@bank.example",
                          "--json"))
    assert decon[0]["holders"][0]["partner"] == "Police DE"
    scored = json.loads(ok(store, "score", "45.137.21.9", "--as", "nl@bank.example", "--json"))
    assert scored["organisations"] == 2
    assert json.loads(ok(store, "rematch", "--json"))["hits"] == 1
    code, _, err = cli(store, "rematch", "--as", "nl@bank.example")
    assert code == 1 and "partners:manage" in err
    listed = runner.invoke(app, ["warninglists", "--json"])
    assert "intelpool public-dns-resolvers" in {w["name"] for w in json.loads(listed.stdout)}
