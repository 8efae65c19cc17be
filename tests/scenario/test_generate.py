"""Generated scenarios: deterministic, complete, in real formats, under partners' handling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pymisp import MISPEvent
from stix2validator import ValidationOptions, validate_file
from typer.testing import CliRunner

from intelpool.cli.main import app
from intelpool.errors import InvalidInput
from intelpool.formats.records import DocumentMeta, ImportOptions, ObservationRecord
from intelpool.formats.registry import get_importer
from intelpool.scenario.generate import generate
from intelpool.scenario.stix_writer import TLP_MARKINGS
from tests.scenario.conftest import SMALL, file_selectors, planted_holders, read_json


def _files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_the_same_seed_gives_byte_identical_files(tmp_path: Path, scenario: Path) -> None:
    again = tmp_path / "again"
    generate(again, scale=SMALL, seed=7)
    assert _files(again) == _files(scenario)


def test_generate_command_writes_the_same_scenario_and_summarises_it(
        tmp_path: Path, scenario: Path) -> None:
    out = tmp_path / "cli"
    result = CliRunner().invoke(app, ["scenario", "generate", "--out", str(out), "--scale",
                                      str(SMALL), "--seed", "7", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    manifest = read_json(out / "manifest.json")
    assert summary["contributions"] == len(manifest["contributions"])
    assert summary["selectors"] == sum(e["selectors"] for e in manifest["contributions"])
    assert _files(out) == _files(scenario)


def test_another_seed_gives_another_scenario(tmp_path: Path, scenario: Path) -> None:
    other = tmp_path / "other"
    generate(other, scale=SMALL, seed=8)
    mine, theirs = _files(scenario), _files(other)
    assert mine["ground_truth.json"] != theirs["ground_truth.json"]
    assert not set(mine.values()) & set(theirs.values())


def test_every_planted_selector_and_decoy_is_in_a_file_of_each_partner_said_to_hold_it(
        scenario: Path) -> None:
    manifest = read_json(scenario / "manifest.json")
    held: dict[str, set[tuple[str, str]]] = {}
    for entry in manifest["contributions"]:
        held.setdefault(entry["partner"], set()).update(file_selectors(scenario, entry))
    holders = planted_holders(read_json(scenario / "ground_truth.json"))
    assert holders
    for selector, partners in holders.items():
        assert partners, f"{selector} is in no contribution"
        for partner in partners:
            assert selector in held[partner], f"{selector} missing from {partner}'s files"


def test_ground_truth_plants_every_kind_of_structure_with_key_members(scenario: Path) -> None:
    truth = read_json(scenario / "ground_truth.json")
    kinds = {s["kind"] for s in truth["structures"]}
    assert kinds == {"botnet", "fraud-ring", "ransomware-affiliate", "access-broker",
                     "bulletproof-hosting", "crypter", "loader", "laundering"}
    for structure in truth["structures"]:
        assert structure["key_members"], structure["id"]
        keys = {(k["type"], k["value"]) for k in structure["key_members"]}
        assert keys <= {(m["type"], m["value"]) for m in structure["members"]}
    providers = {s["id"]: s for s in truth["structures"] if s["serves"]}
    for structure in truth["structures"]:
        for provider_id in structure["uses"]:
            assert structure["id"] in providers[provider_id]["serves"]


def test_decoys_include_warninglisted_infrastructure_and_shared_hosting(scenario: Path) -> None:
    truth = read_json(scenario / "ground_truth.json")
    reasons = {d["reason"] for d in truth["decoys"]}
    assert {"public-dns-resolver", "rfc1918-address", "empty-file-hash",
            "reserved-test-domain", "shared-hosting"} <= reasons
    kinds = {s["id"]: s["kind"] for s in truth["structures"]}
    for decoy in truth["decoys"]:
        if decoy["reason"] == "shared-hosting":
            linked = {kinds[s] for s in decoy["structures"]}
            assert linked == {"botnet", "fraud-ring"}  # two unrelated structures
    planted = {m["value"] for s in truth["structures"] for m in s["members"]}
    assert not planted & {d["value"] for d in truth["decoys"]}


def test_every_file_carries_its_partners_handling(scenario: Path) -> None:
    manifest = read_json(scenario / "manifest.json")
    policies = {p["name"]: p["policy"] for p in manifest["partners"]}
    formats = set()
    for entry in manifest["contributions"]:
        policy = policies[entry["partner"]]
        assert {k: entry[k] for k in policy} == policy
        formats.add(entry["format"])
        path = scenario / entry["file"]
        if entry["format"] == "stix":
            _check_stix(path, policy["tlp"])
        elif entry["format"] == "misp":
            _check_misp(path, policy["tlp"], policy["pap"])
        _check_read_markings(path, entry["format"], policy["tlp"], policy["pap"])
    assert formats == {"stix", "misp", "csv", "text"}


def _check_stix(path: Path, tlp: str) -> None:
    bundle = read_json(path)
    marking = TLP_MARKINGS[tlp]
    definitions = [o for o in bundle["objects"] if o["type"] == "marking-definition"]
    assert [d["id"] for d in definitions] == [marking]
    for obj in bundle["objects"]:
        if obj["type"] != "marking-definition":
            assert obj["object_marking_refs"] == [marking], obj["id"]


def _check_misp(path: Path, tlp: str, pap: str | None) -> None:
    tags = {t["name"] for t in read_json(path)["Event"]["Tag"]}
    assert f"tlp:{tlp}" in tags
    assert pap is None or f"PAP:{pap.upper()}" in tags


def _check_read_markings(path: Path, fmt: str, tlp: str, pap: str | None) -> None:
    """What the pool's importer reads as the file's marking is the partner's own."""
    with path.open("rb") as stream:
        for record in get_importer(fmt).parse(stream, ImportOptions()):
            marking = record.marking if isinstance(record, (DocumentMeta,
                                                            ObservationRecord)) else None
            if marking is not None:
                assert marking.tlp is None or marking.tlp.value == tlp, path.name
                assert marking.pap is None or marking.pap.value == pap, path.name


def test_stix_bundles_validate_and_misp_events_load(scenario: Path) -> None:
    manifest = read_json(scenario / "manifest.json")
    # The validator is slow: three bundles of different partners that report structures.
    bundles = {e["partner"]: e for e in manifest["contributions"]
               if e["format"] == "stix" and e["structures"]}
    assert len(bundles) >= 3
    for entry in list(bundles.values())[:3]:
        result = validate_file(str(scenario / entry["file"]), ValidationOptions(strict=False))
        assert result.is_valid, entry["file"]
    for entry in manifest["contributions"]:
        if entry["format"] == "misp":
            event = MISPEvent()
            event.load_file(str(scenario / entry["file"]))
            assert event.attributes or event.objects
            assert {t.name for t in event.tags} >= {f"tlp:{entry['tlp']}"}


def test_partner_kinds_can_be_switched_to_another_format(tmp_path: Path) -> None:
    out = tmp_path / "csv"
    generate(out, scale=SMALL, seed=7, formats={"law-enforcement": "csv", "private": "csv",
                                                "host": "csv"})
    manifest = read_json(out / "manifest.json")
    assert {e["format"] for e in manifest["contributions"]} == {"csv", "text"}
    holders = planted_holders(read_json(out / "ground_truth.json"))
    held = set().union(*(file_selectors(out, e) for e in manifest["contributions"]))
    assert set(holders) <= held


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"scale": 0}, "scale 0: it must be positive"),
    ({"formats": {"private": "xml"}}, "unknown scenario format 'xml'"),
    ({"formats": {"bank": "csv"}}, "unknown partner kind 'bank'"),
])
def test_bad_options_are_refused_with_one_line(tmp_path: Path, kwargs: dict[str, object],
                                               message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        generate(tmp_path / "x", **kwargs)  # type: ignore[arg-type]
