"""The matching commands as a user runs them: hits, access, deconflict, score, rematch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from intelpool.cli.main import app
from tests.cli.runner import cli, ok, runner
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
    out = ok(store, "submit", str(bank), "--as", "nl@bank.example", "--tlp", "green")
    assert "1 new hits (Police DE 1), 0 refreshed" in " ".join(out.split())
    report = json.loads(ok(store, "hits", "--as", "nl@bank.example", "--json"))
    [hit] = report["hits"]
    assert (hit["partner"], hit["partner_visible"]) == ("Police DE", False)
    assert report["total"] == 1
    code, _, err = cli(store, "hits", "--as", "nl@bank.example", "--sort", "-partner_name")
    assert code != 0 and "cannot sort hits by 'partner_name'" in err
    ok(store, "access", "request", str(hit["id"]), "--as", "nl@bank.example", "--reason",
       "same C2 in case 42")
    [request] = json.loads(ok(store, "access", "requests", "--as", "de@police.example",
                              "--sort", "holder", "--json"))
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


def test_submit_summaries_add_up_to_the_hits_listed(store: Store, tmp_path: Path) -> None:
    """Each submission counts the hits it recorded first as new, and those it found again as
    refreshed: the new ones of all submissions are the hits 'intelpool hits' lists."""
    for org, email in (("Police DE", "de@police.example"), ("Bank NL", "nl@bank.example"),
                       ("CERT EU", "eu@cert.example")):
        ok(store, "org", "add", org, "--kind", "law-enforcement")
        ok(store, "user", "add", email, "--org", org, "--role", "contributor")

    def submit(email: str, *lines: str) -> dict[str, Any]:
        path = tmp_path / f"{len(list(tmp_path.iterdir()))}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out = ok(store, "submit", str(path), "--as", email, "--tlp", "green", "--json")
        summary: dict[str, Any] = json.loads(out)
        return summary

    ip, domain = "45.137.21.9", "c2-summary.net"
    counts = [(s["new_hits"], s["refreshed_hits"]) for s in (
        submit("de@police.example", ip, domain),
        submit("nl@bank.example", ip, f"www.{domain}"),  # IP and subdomain with Police
        submit("nl@bank.example", ip, "45.137.21.10"),  # the IP hit again
        submit("eu@cert.example", ip),  # with Police and with Bank
        submit("de@police.example", ip, domain, "45.137.21.11"),  # all three hits again
    )]
    assert counts == [(0, 0), (2, 0), (0, 1), (2, 0), (0, 3)]
    listed = {email: {h["id"] for h in json.loads(ok(store, "hits", "--as", email,
                                                     "--json"))["hits"]}
              for email in ("de@police.example", "nl@bank.example", "eu@cert.example")}
    assert sum(new for new, _ in counts) == len(set().union(*listed.values())) == 4
    assert [len(ids) for ids in listed.values()] == [3, 3, 2]
    # Partners learn of new hits only, once each.
    notes = json.loads(ok(store, "notifications", "--as", "de@police.example", "--json"))
    assert sorted(n["message"].split(" submitted")[0] for n in notes) == ["Bank NL", "CERT EU"]
    text = submit("eu@cert.example", ip, "www.c2-summary.net")
    assert (text["new_hits"], text["refreshed_hits"]) == (2, 2)
    assert text["hit_partners"] == {"Police DE": {"new": 1, "refreshed": 1},
                                    "Bank NL": {"new": 1, "refreshed": 1}}
    path = tmp_path / "last.txt"
    path.write_text(f"{ip}\nmule@{domain}\n", encoding="utf-8")
    out = ok(store, "submit", str(path), "--as", "nl@bank.example", "--tlp", "green")
    assert "1 new hits (Police DE 1), 2 refreshed (CERT EU 1, Police DE 1)" in " ".join(
        out.split())
