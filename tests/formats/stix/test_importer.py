"""The STIX importer as a pure function: bundles in, records and rejections out."""

from __future__ import annotations

import io
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from intelpool.access.handling import PAP, TLP
from intelpool.errors import InvalidInput
from intelpool.formats.records import (
    DocumentMeta,
    EntityRecord,
    ExtraObjectRecord,
    ImportOptions,
    Marking,
    ObservationRecord,
    Record,
    Rejection,
    RelationshipRecord,
)
from intelpool.formats.registry import detect_format
from intelpool.formats.stix.importer import parse, sniff

DATA = Path(__file__).parents[2] / "data" / "stix"
INDICATOR = "indicator--3d9e5f1a-5a4b-4c3d-8e1f-2a3b4c5d6e1b"
MALWARE = "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"


def records(source: Path | bytes) -> list[Record]:
    data = source.read_bytes() if isinstance(source, Path) else source
    return list(parse(io.BytesIO(data), ImportOptions()))


def of(kind: type, items: list[Record]) -> list[Record]:
    return [r for r in items if isinstance(r, kind)]


def by_ref(items: list[Record]) -> dict[str, Record]:
    return {r.ref: r for r in items if hasattr(r, "ref") and r.ref and not
            isinstance(r, ObservationRecord)}


def test_bundles_are_recognised_by_content() -> None:
    assert detect_format((DATA / "bundle21.json").read_bytes()[:65536]).name == "stix"
    assert sniff(b'{"type": "bundle", "id": "bundle--1", "objects": []}') == 0.95
    # The type may come after the objects, beyond the sniffed head.
    assert sniff(b'{"objects": [{"type": "ipv4-addr", "id": "ipv4-addr--0a6b2c8d-2d1e') == 0.6
    assert sniff(b'{"Event": {"Attribute": []}}') == 0.0
    assert sniff(b"192.0.2.1\n") == 0.0


def test_observable_objects_become_typed_observations() -> None:
    items = records(DATA / "bundle21.json")
    found = {(r.type, r.value, r.ref) for r in of(ObservationRecord, items)
             if isinstance(r, ObservationRecord) and r.location == r.ref}
    assert {(t, v) for t, v, _ in found} >= {
        ("ipv4", "198.51.100.7"), ("cidr", "2001:db8::/32"), ("domain", "loader.example.net"),
        ("url", "http://loader.example.net/gate.php"), ("email", "billing@phish.example.org"),
        ("md5", "0c7b5b888ff74a4daa9dfeb398cd0061"), ("filename", "invoice.exe"),
        ("mutex", "Global\\EmotetMutex"), ("asn", "AS64500"), ("handle", "exploit.in:salty"),
        ("ip-port", "203.0.113.9:8443"), ("ipv4", "203.0.113.9"),
    }
    assert ("sha512", "2d1e0f9a" + "8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a"
            "8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a",
            "file--5f1b7c3d-7e6f-5a5b-8c3d-4e5f6a7b8c93") in found


def test_observed_data_gives_its_objects_their_time_window() -> None:
    items = records(DATA / "bundle21.json")
    ip = next(r for r in of(ObservationRecord, items)
              if isinstance(r, ObservationRecord) and r.value == "198.51.100.7")
    assert isinstance(ip, ObservationRecord)
    assert (ip.first_seen, ip.last_seen) == (datetime(2024, 3, 2, 7, 0, tzinfo=UTC),
                                             datetime(2024, 3, 2, 7, 30, tzinfo=UTC))


def test_observables_saying_more_than_their_selectors_are_also_kept_verbatim() -> None:
    extras = {r.ref: r for r in of(ExtraObjectRecord, records(DATA / "bundle21.json"))
              if isinstance(r, ExtraObjectRecord)}
    kept = {ref.split("--")[0] for ref in extras if ref}
    # A file with a size, a domain resolving to an address, traffic with its protocols,
    # and a registry key (no selector at all) are kept; a bare address is not.
    assert {"file", "domain-name", "network-traffic", "windows-registry-key"} <= kept
    assert "ipv4-addr" not in kept and "mutex" not in kept


def test_indicator_is_an_entity_and_its_pattern_gives_observations() -> None:
    items = records(DATA / "bundle21.json")
    entity = by_ref(items)[INDICATOR]
    assert isinstance(entity, EntityRecord) and entity.kind == "indicator"
    assert entity.name == "Emotet C2 and payload" and entity.body is not None
    assert entity.body["pattern"].startswith("[ipv4-addr:value = '192.0.2.44'")
    observed = [(r.type, r.value, r.tags) for r in of(ObservationRecord, items)
                if isinstance(r, ObservationRecord) and r.ref == INDICATOR]
    assert observed == [
        ("ipv4", "192.0.2.44", ("emotet",)), ("domain", "c2.example.com", ("emotet",)),
        ("sha256", "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b",
         ("emotet",)),
        ("url", "http://c2.example.com/it's", ("emotet",)),
    ]


def test_unreadable_patterns_keep_the_indicator_and_report_what_was_not_read() -> None:
    items = records(DATA / "bundle21.json")
    rejections = {(r.location, r.value, r.reason) for r in of(Rejection, items)
                  if isinstance(r, Rejection)}
    assert ("indicator--4e0f6a2b-6b5c-4d4e-9f2a-3b4c5d6e7f2c",
            "email-message:subject MATCHES '^Invoice [0-9]+$'",
            "operator MATCHES is not a simple equality") in rejections
    assert ("indicator--5f1a7b3c-7c6d-4e5f-8a3b-4c5d6e7f8a3d", "ipv4-addr:value = '192.0.2.45'",
            "qualifier 'WITHIN 600 SECONDS' makes it more than a simple comparison") in rejections
    assert ("indicator--7b3c9d5e-9e8f-4a7b-8c5d-6e7f8a9b0c5f", "rule emotet { condition: true }",
            "pattern type 'yara' is not read; the indicator is kept without selectors"
            ) in rejections
    refs = by_ref(items)
    for kept in ("indicator--4e0f6a2b-6b5c-4d4e-9f2a-3b4c5d6e7f2c",
                 "indicator--5f1a7b3c-7c6d-4e5f-8a3b-4c5d6e7f8a3d",
                 "indicator--7b3c9d5e-9e8f-4a7b-8c5d-6e7f8a9b0c5f"):
        assert isinstance(refs[kept], EntityRecord)
    # An invalid pattern makes an invalid object: rejected, not kept.
    broken = "indicator--6a2b8c4d-8d7e-4f6a-9b4c-5d6e7f8a9b4e"
    assert broken not in refs
    assert any(loc == broken and reason.startswith("pattern is not valid STIX: expected ']'")
               for loc, _, reason in rejections)


def test_entities_keep_name_aliases_description_and_the_verbatim_body() -> None:
    refs = by_ref(records(DATA / "bundle21.json"))
    actor = refs["threat-actor--56f3f0db-b5d5-431c-ae56-c18f02caf500"]
    assert isinstance(actor, EntityRecord)
    assert (actor.kind, actor.name, actor.aliases, actor.description) == (
        "threat-actor", "Salty Spider", ("Mummy Spider", "TA542"),
        "Operates a loader-as-a-service.")
    assert actor.body is not None
    assert actor.body["x_example_confidence_note"] == "custom property kept in the body"
    note = refs["note--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0062"]
    assert isinstance(note, EntityRecord) and note.name == "Takedown planned"


def test_relationships_and_sightings() -> None:
    items = records(DATA / "bundle21.json")
    links = {(r.type, r.source_ref, r.target_ref) for r in of(RelationshipRecord, items)
             if isinstance(r, RelationshipRecord)}
    assert ("uses", "threat-actor--56f3f0db-b5d5-431c-ae56-c18f02caf500", MALWARE) in links
    assert ("communicates-with", MALWARE,
            "domain-name--2c8e4f0a-4b3c-5d2e-9f0a-1b2c3d4e5f60") in links
    # A sighting links the sighter to what it sighted, and keeps its body for export.
    assert ("sighting-of", "identity--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061", INDICATOR) in links
    sighting = by_ref(items)["sighting--1f7a3b9c-3c2d-4e1f-8a9b-0c1d2e3f4a93"]
    assert isinstance(sighting, RelationshipRecord) and sighting.body is not None
    assert sighting.body["count"] == 12


def test_unknown_and_custom_objects_are_kept_verbatim() -> None:
    refs = by_ref(records(DATA / "bundle21.json"))
    for ref, kind in (("x-bank-mule-account--2a8b4c0d-4d3e-4f2a-9b0c-1d2e3f4a5ba4",
                       "x-bank-mule-account"),
                      ("language-content--3b9c5d1e-5e4f-4a3b-8c1d-2e3f4a5b6cb5",
                       "language-content"),
                      ("observed-data--2c8d4e0f-4f3a-4b2c-9d0e-1f2a3b4c5d0a", "observed-data")):
        extra = refs[ref]
        assert isinstance(extra, ExtraObjectRecord) and extra.type == kind
        assert extra.body["id"] == ref
    # A statement marking that is not handling (a copyright) is kept and exported again.
    assert isinstance(refs["marking-definition--8b5ed9c0-5b6c-4d2b-8a6c-3c2c3d4e5f6a"],
                      ExtraObjectRecord)


def test_effective_marking_is_the_strictest_object_or_granular_one() -> None:
    refs = by_ref(records(DATA / "bundle21.json"))
    actor, malware, note, identity = (
        refs["threat-actor--56f3f0db-b5d5-431c-ae56-c18f02caf500"], refs[MALWARE],
        refs["note--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0062"],
        refs["identity--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"])
    assert isinstance(actor, EntityRecord) and actor.marking == Marking(tlp=TLP.AMBER)
    # TLP 1.0 RED as a granular marking on the description marks the whole record.
    assert isinstance(malware, EntityRecord) and malware.marking == Marking(tlp=TLP.RED)
    # The PAP statement is defined at the end of the bundle, after the note using it.
    assert isinstance(note, EntityRecord) and note.marking == Marking(pap=PAP.RED)
    assert isinstance(identity, EntityRecord) and identity.marking is None


def test_bodies_lose_handling_markings_but_keep_other_markings() -> None:
    refs = by_ref(records(DATA / "bundle21.json"))
    actor, malware = refs["threat-actor--56f3f0db-b5d5-431c-ae56-c18f02caf500"], refs[MALWARE]
    assert isinstance(actor, EntityRecord) and actor.body is not None
    assert "object_marking_refs" not in actor.body
    assert isinstance(malware, EntityRecord) and malware.body is not None
    assert "granular_markings" not in malware.body


def test_objects_that_cannot_be_used_are_rejected_with_their_location() -> None:
    rejections = [(r.location, r.reason) for r in of(Rejection, records(DATA / "bundle21.json"))
                  if isinstance(r, Rejection)]
    assert ("relationship--4c0d6e2f-6f5a-4b4c-9d2e-3f4a5b6c7dc6",
            "relationship has no target_ref") in rejections
    assert ("ipv4-addr--5d1e7f3a-7a6b-5c5d-8e3f-4a5b6c7d8ed7",
            "ipv4-addr object has no value") in rejections
    assert ("$.objects[32]", "malware object has no id") in rejections
    assert ("malware--7f3a9b5c-9c8d-4e7f-8a5b-6c7d8e9f0af9", "object has no type") in rejections


def test_stix20_embedded_objects_become_observations_of_the_observed_data() -> None:
    items = records(DATA / "bundle20.json")
    observed = "observed-data--4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b"
    found = [(r.type, r.value, r.location, r.first_seen, r.marking)
             for r in of(ObservationRecord, items)
             if isinstance(r, ObservationRecord) and r.ref == observed]
    start, green = datetime(2019, 5, 3, 10, 0, tzinfo=UTC), Marking(tlp=TLP.GREEN)
    assert found == [
        ("ipv4", "198.51.100.23", f"{observed} objects.0", start, green),
        ("ip-port", "198.51.100.23:447", f"{observed} objects.1", start, green),
        ("domain", "trick.example.com", f"{observed} objects.2", start, green),
    ]
    extra = by_ref(items)[observed]
    assert isinstance(extra, ExtraObjectRecord) and "3" in extra.body["objects"]


def test_stix20_indicators_entities_and_custom_objects() -> None:
    items = records(DATA / "bundle20.json")
    indicator = [(r.type, r.value, r.tags) for r in of(ObservationRecord, items)
                 if isinstance(r, ObservationRecord) and r.ref and r.ref.startswith("indicator")]
    assert indicator == [("md5", "d41d8cd98f00b204e9800998ecf8427e", ("malicious-activity",)),
                         ("cidr", "192.0.2.0/24", ("malicious-activity",))]
    refs = by_ref(items)
    malware = refs["malware--2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f"]
    assert isinstance(malware, EntityRecord)
    assert malware.aliases == ("TrickBot", "TrickLoader")
    assert malware.body is not None and malware.body["x_mitre_version"] == "1.2"
    assert isinstance(refs["x-mitre-tactic--6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d"],
                      ExtraObjectRecord)
    assert not of(Rejection, items) and not of(DocumentMeta, items)


@pytest.mark.parametrize(("content", "message"), [
    ((DATA / "truncated.json").read_bytes(), "not valid JSON: parse error: premature EOF"),
    ((DATA / "not_a_bundle.json").read_bytes(), "not a STIX bundle: its type is 'report'"),
    (b'[{"type": "bundle"}]', "not a STIX bundle: the file is not a JSON object"),
    (b'{"id": "bundle--1", "objects": []}', 'not a STIX bundle: it has no "type": "bundle"'),
    (b'{"type": "bundle", "objects": {"a": 1}}', "its objects are not a JSON array"),
    (b"hello", "not valid JSON: lexical error"),
])
def test_unreadable_files_fail_with_one_line(content: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as failure:
        records(content)
    assert "\n" not in str(failure.value)


@pytest.mark.slow
def test_memory_stays_flat_however_large_the_bundle(tmp_path: Path) -> None:
    path = tmp_path / "large.json"
    count = 10_000
    with path.open("wb") as out:
        out.write(b'{"objects": [')
        for i in range(count):
            out.write(b"," if i else b"")
            out.write(orjson.dumps({
                "type": "indicator", "spec_version": "2.1",
                "id": f"indicator--00000000-0000-4000-8000-{i:012d}",
                "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
                "pattern": f"[ipv4-addr:value = '10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}']",
                "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
                "description": "x" * 2500}))
        out.write(b'], "id": "bundle--00000000-0000-4000-8000-000000000000", "type": "bundle"}')
    size = path.stat().st_size
    tracemalloc.start()
    try:
        seen = 0
        with path.open("rb") as stream:
            for record in parse(stream, ImportOptions()):
                seen += isinstance(record, ObservationRecord)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seen == count
    # The file is 25 MB; what parsing holds at any time stays a small fraction of it.
    assert size > 25_000_000 and peak < 2_500_000


def test_indicators_of_an_intelpool_export_restore_their_observation() -> None:
    items = records(DATA / "bundle21.json")
    ref = "indicator--8d4e0f6a-0a9b-5c8d-9e6f-7a8b9c0d1e7a"
    assert ref not in by_ref(items)  # no entity: it stands for the observation alone
    [obs] = [r for r in of(ObservationRecord, items)
             if isinstance(r, ObservationRecord) and r.ref == ref]
    assert isinstance(obs, ObservationRecord)
    assert (obs.type, obs.value, obs.role, obs.tags, obs.comment, obs.to_ids) == (
        "ipv4", "192.0.2.77", "c2", ("botnet-c2",), "C2 of the loader", True)
    assert obs.first_seen == datetime(2024, 2, 1, 0, 0, 0, 250000, tzinfo=UTC)
    assert obs.last_seen == datetime(2024, 2, 20, 18, 45, 0, 1, tzinfo=UTC)


@pytest.mark.parametrize(("markings", "reason"), [
    ({"object_marking_refs": [["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]]},
     "object_marking_refs is not a list of marking definition ids"),
    ({"object_marking_refs": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
     "object_marking_refs is not a list of marking definition ids"),
    ({"granular_markings": [{"marking_ref": {"tlp": "red"}, "selectors": ["name"]}]},
     "granular_markings is not a list of granular markings"),
])
def test_objects_whose_markings_cannot_be_read_are_rejected(markings: dict[str, object],
                                                            reason: str) -> None:
    # An unreadable marking might be the strictest one: the object is not kept under looser
    # handling, and the rest of the bundle still imports.
    bundle = {"type": "bundle", "id": "bundle--0b1c2d3e-4f5a-4b6c-8d7e-8f9a0b1c2d3e", "objects": [
        {"type": "malware", "spec_version": "2.1", "id": MALWARE, "name": "Emotet",
         "is_family": True, "created": "2024-01-01T00:00:00Z",
         "modified": "2024-01-01T00:00:00Z", **markings},
        {"type": "ipv4-addr", "spec_version": "2.1",
         "id": "ipv4-addr--1a2b3c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d", "value": "192.0.2.8"}]}
    items = records(orjson.dumps(bundle))
    assert [(r.location, r.reason) for r in of(Rejection, items)
            if isinstance(r, Rejection)] == [(MALWARE, reason)]
    assert of(EntityRecord, items) == []
    assert [r.value for r in of(ObservationRecord, items)
            if isinstance(r, ObservationRecord)] == ["192.0.2.8"]
