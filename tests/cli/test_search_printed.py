"""A selector the pool prints is searchable as printed, without --type, on every store."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.runner import ok
from tests.cli.test_cli import pool  # noqa: F401  (the pool fixture)
from tests.conftest import Store

ONION = "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion"


def test_handles_and_lookalike_hashes_are_found_as_printed(pool: Store,  # noqa: F811
                                                           tmp_path: Path) -> None:
    table = tmp_path / "actors.csv"
    table.write_text("handle,ja3,domain\nexploit.in:ByteTrader53,"
                     f"e7d705a3286e19ea42f587b344ee6865,{ONION}\n", encoding="utf-8")
    ok(pool, "submit", str(table), "--as", "de@police.example", "--tlp", "green")
    listed = json.loads(ok(pool, "contribution", "list", "--as", "nl@bank.example", "--json"))
    shown = json.loads(ok(pool, "contribution", "show", str(listed[0]["id"]), "--as",
                          "nl@bank.example", "--json"))
    printed = {(o["type"], o["value"]) for o in shown["observations"]}
    assert printed == {("handle", "exploit.in:ByteTrader53"),
                       ("ja3", "e7d705a3286e19ea42f587b344ee6865"), ("hostname", ONION)}
    for kind, value in printed:
        found = json.loads(ok(pool, "search", value, "--as", "nl@bank.example", "--json"))
        assert [(r["type"], r["value"]) for r in found] == [(kind, value)]
