"""The evidence behind the ground truth: attributed accounts and ties to key members."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from intelpool.formats.records import ImportOptions, ObservationRecord, RelationshipRecord
from intelpool.formats.registry import get_importer
from tests.scenario.conftest import canonical, file_selectors, planted_holders, read_json

Selector = tuple[str, str]
TIES = {"resolves-to", "communicates-with", "related-to", "pays-into"}


def _links(directory: Path, entry: dict[str, Any]) -> list[tuple[str, Selector, Selector]]:
    """(relationship, source, target) of every link a file states between two selectors."""
    refs: dict[str, Selector] = {}
    found: list[RelationshipRecord] = []
    with (directory / entry["file"]).open("rb") as stream:
        for record in get_importer(entry["format"]).parse(stream, ImportOptions()):
            if isinstance(record, ObservationRecord) and record.ref:
                refs[record.ref] = canonical(record.type, record.value)
            elif isinstance(record, RelationshipRecord):
                found.append(record)
    return [(r.type, refs[r.source_ref], refs[r.target_ref]) for r in found
            if r.source_ref in refs and r.target_ref in refs]


def _members(truth: dict[str, Any]) -> tuple[dict[Selector, set[str]], dict[str, set[Selector]]]:
    """Which structures hold each planted selector; each structure's key members."""
    holds: dict[Selector, set[str]] = defaultdict(set)
    keys: dict[str, set[Selector]] = {}
    for s in truth["structures"]:
        for m in s["members"]:
            holds[canonical(m["type"], m["value"])].add(s["id"])
        keys[s["id"]] = {canonical(k["type"], k["value"]) for k in s["key_members"]}
    return holds, keys


def test_payments_sheets_attribute_accounts_to_the_structure_they_belong_to(
        scenario: Path) -> None:
    manifest = read_json(scenario / "manifest.json")
    holds, _ = _members(read_json(scenario / "ground_truth.json"))
    attributed: dict[Selector, set[Selector]] = defaultdict(set)
    rows: set[Selector] = set()
    for entry in manifest["contributions"]:
        if entry["file"].endswith("-payments.csv"):
            rows |= {s for s in file_selectors(scenario, entry) if s[0] != "handle"}
            for _, account, subject in _links(scenario, entry):
                if subject[0] == "handle":
                    attributed[account].add(subject)
    planted = {a for a in attributed if a in holds}
    assert planted, "no planted account is attributed to anyone"
    for account, subjects in attributed.items():
        for subject in subjects:
            if account in holds:  # its subject is of a structure the account belongs to
                assert holds[account] & holds.get(subject, set()), (account, subject)
            else:  # an unrelated account names an unrelated subject
                assert subject not in holds, (account, subject)
    # Attribution is evidence, not a label: some planted accounts' rows name no one.
    assert {r for r in rows if r in holds} - planted


def test_ties_name_key_members_of_a_structure_holding_their_source(scenario: Path) -> None:
    manifest = read_json(scenario / "manifest.json")
    holds, keys = _members(read_json(scenario / "ground_truth.json"))
    formats = set()
    for entry in manifest["contributions"]:
        if entry["format"] == "csv":
            continue
        for relationship, source, target in _links(scenario, entry):
            if relationship not in TIES:
                continue
            formats.add(entry["format"])
            assert any(target in keys[s] for s in holds[source]), (relationship, source, target)
    assert formats == {"stix", "misp"}


def test_a_partners_files_hold_planted_selectors_only_if_the_truth_says_so(
        scenario: Path) -> None:
    manifest = read_json(scenario / "manifest.json")
    holders = planted_holders(read_json(scenario / "ground_truth.json"))
    for entry in manifest["contributions"]:
        for selector in file_selectors(scenario, entry) & holders.keys():
            assert entry["partner"] in holders[selector], (entry["file"], selector)
