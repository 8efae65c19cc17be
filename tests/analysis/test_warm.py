"""Analyses kept warm: `intelpool analysis refresh` recomputes what new data made stale, so
the analyst's next read (networks, targets, a report) does not wait for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from intelpool.analysis import cache
from tests.analysis.builders import bundle, malware, ring
from tests.cli.runner import cli, ok
from tests.conftest import Store


def _setup(store: Store, tmp_path: Path) -> None:
    ok(store, "org", "add", "Police DE", "--kind", "law-enforcement")
    ok(store, "user", "add", "a@police.example", "--org", "Police DE", "--role", "analyst")
    ok(store, "org", "add", "Police FR", "--kind", "law-enforcement")
    ok(store, "user", "add", "r@police-fr.example", "--org", "Police FR", "--role", "reader")
    ok(store, "org", "add", "Stranger", "--kind", "private")
    ok(store, "user", "add", "a@stranger.example", "--org", "Stranger", "--role", "analyst")
    path = bundle(tmp_path / "de.json", [(malware("Kivuco"), ring("kivuco"))])
    ok(store, "submit", str(path), "--as", "a@police.example", "--tlp", "amber")


def _refresh(store: Store, *args: str) -> dict[str, str]:
    out = json.loads(ok(store, "analysis", "refresh", "--json", *args))
    return {r["organisation"]: r["state"] for r in out["organisations"]}


def _networks(store: Store, email: str) -> list[dict[str, Any]]:
    nets: list[dict[str, Any]] = json.loads(ok(store, "networks", "--as", email,
                                               "--json"))["networks"]
    return nets


def test_new_data_is_analysed_before_the_analyst_asks(store: Store, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _setup(store, tmp_path)
    assert len(_networks(store, "a@police.example")) == 1  # Police DE now uses the analysis
    more = bundle(tmp_path / "more.json", [(malware("Otherbot"), ring("otherbot"))])
    ok(store, "submit", str(more), "--as", "a@police.example", "--tlp", "amber")
    cache.forget()
    # Only organisations that use the analysis are refreshed by default.
    assert _refresh(store) == {"Police DE": "refreshed"}
    assert _refresh(store) == {"Police DE": "fresh"}

    def recomputed(*_: object) -> None:
        raise AssertionError("the reader recomputed the analysis")

    monkeypatch.setattr(cache, "analyse", recomputed)
    cache.forget()
    assert {e["name"] for n in _networks(store, "a@police.example")
            for e in n["entities"]} == {"Kivuco", "Otherbot"}


def test_every_organisation_is_analysed_as_its_own_analysts_see_it(
        store: Store, tmp_path: Path) -> None:
    _setup(store, tmp_path)
    assert _refresh(store, "--all") == {"Police DE": "refreshed", "Police FR": "no analyst",
                                        "Stranger": "refreshed"}
    assert _refresh(store, "--org", "Police FR") == {"Police FR": "no analyst"}
    # The stranger's analysis holds nothing of the data it may not see.
    assert _networks(store, "a@stranger.example") == []
    assert len(_networks(store, "a@police.example")) == 1
    text = ok(store, "analysis", "refresh")
    assert "Police DE: fresh" in text and "Stranger: fresh" in text


def test_bad_input_gives_one_line(store: Store, tmp_path: Path) -> None:
    _setup(store, tmp_path)
    code, _, err = cli(store, "analysis", "refresh", "--org", "Nobody")
    assert code == 1 and err.strip() == "error: no organisation named 'Nobody'"
    code, _, err = cli(store, "analysis", "refresh", "--every", "0")
    assert code == 1 and err.strip() == "error: --every 0: give a positive number of seconds"
    assert "no organisation uses the analysis yet" in ok(store, "analysis", "refresh")
