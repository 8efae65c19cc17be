"""Loading a scenario into a pool: partners as the manifest says, hits where it predicts."""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from intelpool.cli.main import app
from intelpool.db.tables import contributions, observables, observations, organisations
from intelpool.scenario import load
from tests.conftest import Store
from tests.scenario.conftest import planted_holders, read_json


def _shared_in_pool(store: Store) -> dict[tuple[str, str], set[str]]:
    """Observables held by more than one organisation, with the organisations' names."""
    shared = (
        select(observations.c.observable_id)
        .join(contributions, contributions.c.id == observations.c.contribution_id)
        .group_by(observations.c.observable_id)
        .having(func.count(func.distinct(contributions.c.originator_id)) > 1)
    ).subquery()
    query = (
        select(observables.c.type, observables.c.value, organisations.c.name).distinct()
        .join(observations, observations.c.observable_id == observables.c.id)
        .join(contributions, contributions.c.id == observations.c.contribution_id)
        .join(organisations, organisations.c.id == contributions.c.originator_id)
        .where(observables.c.id.in_(select(shared.c.observable_id)))
    )
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    with store.begin() as conn:
        for kind, value, org in conn.execute(query):
            out[(kind, value)].add(org)
    return dict(out)


def _pair_counts(holders: dict[tuple[str, str], set[str]]) -> dict[tuple[str, str], int]:
    """How many selectors each pair of organisations shares."""
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for orgs in holders.values():
        for pair in combinations(sorted(orgs), 2):
            pairs[pair] += 1
    return dict(pairs)


def test_loaded_scenario_overlaps_exactly_where_the_ground_truth_says(
        store: Store, scenario: Path) -> None:
    result = CliRunner().invoke(app, ["scenario", "load", str(scenario), "--db", store.url,
                                      "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    manifest = read_json(scenario / "manifest.json")
    assert summary["contributions"] == len(manifest["contributions"])
    assert summary["rejections"] == 0, summary["rejection_reasons"]
    assert summary["organisations"] == len(manifest["partners"])
    predicted = {k: v for k, v in planted_holders(read_json(scenario / "ground_truth.json"))
                 .items() if len(v) > 1}
    found = _shared_in_pool(store)
    assert found == predicted
    pairs = _pair_counts(found)
    assert pairs == {tuple(o["partners"]): o["selectors"] for o in manifest["overlaps"]}
    kinds = {p["name"]: p["kind"] for p in manifest["partners"]}
    met = {tuple(sorted((kinds[a], kinds[b]))) for a, b in pairs}
    assert {("cert", "law-enforcement"), ("law-enforcement", "private")} <= met
    _check_handling(store, manifest["contributions"])


def _check_handling(store: Store, entries: list[dict[str, Any]]) -> None:
    """Each contribution is its partner's, under the handling and evaluation it stated."""
    with store.begin() as conn:
        rows = conn.execute(
            select(organisations.c.name, contributions.c.tlp, contributions.c.pap,
                   contributions.c.handling_codes, contributions.c.anonymous,
                   contributions.c.eval_scheme, contributions.c.reliability)
            .join(organisations, organisations.c.id == contributions.c.originator_id)
            .where(contributions.c.parent_id.is_(None))
            .order_by(contributions.c.id)).all()
    assert len(rows) == len(entries)
    for row, entry in zip(rows, entries, strict=True):
        assert row.name == entry["partner"]
        assert (row.tlp, row.anonymous) == (entry["tlp"], entry["anonymous"])
        assert row.pap == (entry["pap"] or "clear")
        assert set(filter(None, row.handling_codes.split(","))) == (
            set(entry["handling_codes"]) | ({"H3"} if entry["h3_text"] else set()))
        assert (row.eval_scheme, row.reliability) == (entry["evaluation_scheme"],
                                                      entry["reliability"])


def test_loading_a_directory_without_a_manifest_fails_cleanly(store: Store,
                                                              tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["scenario", "load", str(tmp_path), "--db", store.url])
    assert result.exit_code != 0
    assert "has no manifest.json" in result.stderr


def test_partner_kinds_fall_back_to_csv_when_their_importer_is_missing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    known = {name: imp for name, imp in load.importers().items()
             if name not in ("stix", "misp")}
    monkeypatch.setattr(load, "importers", lambda: known)
    assert load.fallback_formats() == ({"host": "csv", "law-enforcement": "csv",
                                        "private": "csv"}, "csv")
    monkeypatch.setattr(load, "importers", lambda: {"text": known["text"]})
    assert load.fallback_formats() == ({"host": "text", "law-enforcement": "text",
                                        "private": "text"}, "text")
