"""The command line as a user drives it: init, partners, submit, search, contributions, audit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intelpool.cli.main import app
from tests.cli.runner import cli, ok, runner
from tests.conftest import Store


@pytest.fixture
def pool(store: Store) -> Store:
    ok(store, "org", "add", "Host Centre", "--kind", "host")
    ok(store, "org", "add", "Police DE", "--kind", "law-enforcement", "--country", "de")
    ok(store, "org", "add", "Bank NL", "--kind", "private", "--country", "NL")
    ok(store, "org", "add", "Stranger", "--kind", "cert")
    ok(store, "user", "add", "admin@host.example", "--org", "Host Centre", "--role", "admin")
    ok(store, "user", "add", "de@police.example", "--org", "Police DE", "--role", "admin")
    ok(store, "user", "add", "nl@bank.example", "--org", "Bank NL", "--role", "analyst")
    ok(store, "user", "add", "x@stranger.example", "--org", "Stranger", "--role", "admin")
    ok(store, "group", "add", "Banks", "--member", "Bank NL", "--as", "admin@host.example")
    return store


def test_submit_search_show_as_a_user_would(pool: Store, tmp_path: Path) -> None:
    selectors = tmp_path / "selectors.txt"
    selectors.write_text("hxxps://login-bank[.]example.net/x\n198.51.100.7\n198.51.100.7\n"
                         "garbage line\n", encoding="utf-8")
    rejections = tmp_path / "rejected.csv"
    out = ok(pool, "submit", str(selectors), "--as", "de@police.example", "--tlp", "amber",
             "--audience", "group:Banks", "--handling", "H1", "--reliability", "B",
             "--credibility", "2", "--theme", "online-fraud", "--title", "Phishing wave",
             "--rejections", str(rejections), "--json")
    summary = json.loads(out)
    assert (summary["accepted"], summary["duplicates"], summary["rejected"]) == (2, 1, 1)
    assert "garbage line" in rejections.read_text(encoding="utf-8")

    found = json.loads(ok(pool, "search", "198.51.100[.]7", "--as", "nl@bank.example",
                          "--json"))
    assert [(r["originator"], r["handling"]["tlp"], r["handling"]["codes"],
             r["evaluation"]["scheme"], r["themes"]) for r in found] == [
        ("Police DE", "amber", ["H1"], "4x4", ["online-fraud"])]
    assert json.loads(ok(pool, "search", "198.51.100.7", "--as", "x@stranger.example",
                         "--json")) == []

    listed = json.loads(ok(pool, "contribution", "list", "--as", "nl@bank.example", "--json"))
    assert [c["title"] for c in listed] == ["Phishing wave"]
    shown = json.loads(ok(pool, "contribution", "show", str(summary["contribution_id"]),
                          "--as", "nl@bank.example", "--json"))
    assert {o["value"] for o in shown["observations"]} == {
        "https://login-bank.example.net/x", "198.51.100.7"}
    code, _, err = cli(pool, "contribution", "show", str(summary["contribution_id"]), "--as",
                       "x@stranger.example")
    assert code == 1 and "no contribution" in err

    trail = json.loads(ok(pool, "audit", "--as", "de@police.example", "--json"))
    assert "contribution.submit" in {e["action"] for e in trail}


def test_resubmission_is_recognised(pool: Store, tmp_path: Path) -> None:
    selectors = tmp_path / "s.txt"
    selectors.write_text("198.51.100.7\n", encoding="utf-8")
    args = ("submit", str(selectors), "--as", "de@police.example", "--tlp", "green")
    ok(pool, *args)
    assert "already submitted" in ok(pool, *args)


@pytest.mark.parametrize(("args", "message"), [
    (("submit", "missing.txt", "--as", "de@police.example", "--tlp", "green"), "no such file"),
    (("submit", "{file}", "--as", "de@police.example", "--tlp", "red", "--audience", "pool"),
     "TLP:RED may not have audience pool"),
    (("search", "1.2.3.4", "--as", "nobody@nowhere.example"), "no user"),
    (("search", "not a selector", "--as", "de@police.example"), "cannot search"),
    (("org", "add", "Rogue", "--kind", "other", "--as", "nl@bank.example"), "partners:manage"),
    (("user", "add", "a@b.example", "--org", "Bank NL", "--role", "god"), "unknown role"),
    (("audit", "--as", "nl@bank.example"), "org:audit-read"),
])
def test_failures_exit_non_zero_with_one_clear_line(
    pool: Store, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    file = tmp_path / "s.txt"
    file.write_text("198.51.100.7\n", encoding="utf-8")
    code, _, err = cli(pool, *(a.replace("{file}", str(file)) for a in args))
    assert code == 1
    assert message in err and len(err.strip().splitlines()) == 1


def test_token_is_printed_once(pool: Store) -> None:
    out = ok(pool, "token", "create", "nl@bank.example", "--expires", "7", "--scope", "read")
    assert out.splitlines()[0].startswith("ipt_")


def test_uninitialised_pool_says_how_to_fix(tmp_path: Path) -> None:
    result = runner.invoke(app, ["org", "list", "--db", f"sqlite:///{tmp_path}/none.db"])
    assert result.exit_code == 1 and "intelpool init" in result.stderr


def test_init_creates_and_upgrades(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/new.db"
    for _ in range(2):
        result = runner.invoke(app, ["init", "--db", url])
        assert result.exit_code == 0 and "pool ready" in result.stdout


def test_every_command_is_documented() -> None:
    from typer.main import get_command

    def walk(command: object, path: str) -> list[tuple[str, str | None]]:
        subcommands = getattr(command, "commands", {})
        found = [(path, getattr(command, "help", None))]
        for name, sub in subcommands.items():
            found += walk(sub, f"{path} {name}")
        return found

    undocumented = [p for p, text in walk(get_command(app), "intelpool") if not text]
    assert undocumented == []


def test_contribution_show_lists_the_files_own_tags(pool: Store, tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"Event": {
        "info": "Tagged event", "Tag": [{"name": "tlp:green"}, {"name": "type:OSINT"},
                                        {"name": "source:partner-report"}],
        "Attribute": [{"type": "ip-dst", "value": "198.51.100.8"}]}}), encoding="utf-8")
    summary = json.loads(ok(pool, "submit", str(event), "--as", "de@police.example",
                            "--tlp", "green", "--json"))
    cid = str(summary["contribution_id"])
    shown = ok(pool, "contribution", "show", cid, "--as", "de@police.example")
    assert "tags type:OSINT, source:partner-report" in shown
    listed = json.loads(ok(pool, "contribution", "list", "--as", "de@police.example", "--json"))
    assert [c["tags"] for c in listed] == [["type:OSINT", "source:partner-report"]]
