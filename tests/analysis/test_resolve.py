"""Entity resolution: variants of one name become one cluster; kinds never mix on a name."""

from __future__ import annotations

import orjson

from intelpool.analysis.resolve import EntityRow, fold, resolve


def row(i: int, kind: str, name: str, *aliases: str, body: object = None) -> EntityRow:
    return EntityRow(i, i, kind, name, aliases, orjson.dumps(body).decode() if body else None)


def test_case_spacing_and_punctuation_variants_merge() -> None:
    clusters = resolve([row(1, "threat-actor", "APT-28"), row(2, "threat-actor", "apt 28"),
                        row(3, "threat-actor", "Apt_28.")])
    assert [(c.name, c.entity_ids) for c in clusters] == [("APT-28", [1, 2, 3])]


def test_aliases_and_galaxy_synonyms_chain_names_together() -> None:
    clusters = resolve([row(1, "threat-actor", "Sofacy", "Fancy Bear"),
                        row(2, "threat-actor", "fancy-bear"),
                        row(3, "threat-actor", "STRONTIUM", "Sofacy")])
    assert len(clusters) == 1
    assert clusters[0].names == ["Fancy Bear", "STRONTIUM", "Sofacy", "fancy-bear"]
    assert clusters[0].contribution_ids == [1, 2, 3]


def test_attack_ids_merge_names_that_share_nothing_else() -> None:
    ref = {"external_references": [{"source_name": "mitre-attack", "external_id": "G0007"}]}
    clusters = resolve([row(1, "intrusion-set", "APT28", body=ref),
                        row(2, "intrusion-set", "Pawn Storm", "G0007"),
                        row(3, "intrusion-set", "Turla")])
    merged = next(c for c in clusters if len(c.entity_ids) == 2)
    assert merged.entity_ids == [1, 2] and merged.attack_ids == ["G0007"]
    assert len(clusters) == 2


def test_different_kinds_are_never_merged_on_a_name() -> None:
    clusters = resolve([row(1, "threat-actor", "Wizard Spider"),
                        row(2, "malware", "wizard spider"), row(3, "tool", "Wizard-Spider")])
    assert sorted(c.kind for c in clusters) == ["malware", "threat-actor", "tool"]


def test_indicators_and_identities_are_not_entities_to_resolve() -> None:
    assert resolve([row(1, "indicator", "c2"), row(2, "identity", "Police DE")]) == []
    assert fold("Ünïcode  Bär!") == "unicodebar"
