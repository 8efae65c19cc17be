"""The analysis commands as analysts run them: JSON contracts, refusals, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from tests.analysis.builders import bundle, malware, ring
from tests.cli.runner import cli, ok
from tests.conftest import Store


def _setup(store: Store, tmp_path: Path) -> None:
    ok(store, "org", "add", "Police DE", "--kind", "law-enforcement")
    ok(store, "user", "add", "a@police.example", "--org", "Police DE", "--role", "analyst")
    ok(store, "user", "add", "r@police.example", "--org", "Police DE", "--role", "reader")
    path = bundle(tmp_path / "de.json", [(malware("Kivuco"), ring("kivuco")),
                                         (malware("Otherbot"), ring("otherbot"))])
    ok(store, "submit", str(path), "--as", "a@police.example", "--tlp", "amber")


def test_networks_and_targets_print_the_json_contract(store: Store, tmp_path: Path) -> None:
    _setup(store, tmp_path)
    nets = json.loads(ok(store, "networks", "--as", "a@police.example", "--json"))["networks"]
    assert len(nets) == 2
    found = json.loads(ok(store, "search", nets[0]["members"][0]["value"], "--as",
                          "a@police.example", "--json"))
    assert (found[0]["type"], found[0]["value"]) == (nets[0]["members"][0]["type"],
                                                    nets[0]["members"][0]["value"])
    assert {"id", "members", "entities", "themes", "partners", "first_seen", "last_seen",
            "hits", "cohesion", "why"} <= set(nets[0])
    tops = json.loads(ok(store, "targets", "--as", "a@police.example", "--network",
                         nets[0]["id"], "--top", "2", "--json"))["targets"]
    assert [(t["rank"], t["network"]) for t in tops] == [(1, nets[0]["id"]), (2, nets[0]["id"])]
    assert tops[0]["value"].startswith("http://panel.") and tops[0]["why"]
    ents = json.loads(ok(store, "entities", "--as", "a@police.example", "--search", "kivu",
                         "--json"))["entities"]
    assert [e["name"] for e in ents] == ["Kivuco"]
    graph = json.loads(ok(store, "graph", "c2-1[.]kivuco-ops.com", "--as", "a@police.example",
                          "--depth", "2", "--json"))
    assert {n.get("value") for n in graph["nodes"]} >= {"c2-1.kivuco-ops.com",
                                                       "http://panel.kivuco-ops.com/admin.php"}
    text = ok(store, "networks", "--as", "a@police.example")
    assert nets[0]["id"] in text and "Kivuco" in text


def test_a_reader_is_refused_in_one_line(store: Store, tmp_path: Path) -> None:
    _setup(store, tmp_path)
    for command in (["networks"], ["targets"], ["entities"], ["graph", "1.2.3.4"]):
        code, out, err = cli(store, *command, "--as", "r@police.example")
        assert code == 1 and out == ""
        assert err.strip().splitlines() == [
            "error: r@police.example (Police DE) lacks the permission analysis:run"]


def test_bad_input_gives_one_line_or_an_empty_json_result(store: Store, tmp_path: Path) -> None:
    _setup(store, tmp_path)
    code, _, err = cli(store, "graph", "203.0.113.99", "--as", "a@police.example")
    assert code == 1 and "no selector ipv4:203.0.113.99 in the data you may see" in err
    code, out, _ = cli(store, "graph", "--entity", "Nobody", "--as", "a@police.example",
                       "--json")
    assert code == 1 and json.loads(out) == {
        "nodes": [], "edges": [], "message": "no entity named 'Nobody' in the data you may see"}
    code, out, _ = cli(store, "graph", "path", "http://panel.kivuco-ops.com/admin.php",
                       "http://panel.otherbot-ops.com/admin.php", "--as", "a@police.example",
                       "--json")
    assert code == 1 and json.loads(out)["paths"] == [] and "no path" in json.loads(out)[
        "message"]
    code, _, err = cli(store, "targets", "--network", "Nffffffffff", "--as", "a@police.example")
    assert code == 1 and "no network 'Nffffffffff'" in err
