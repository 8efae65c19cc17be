"""The STIX exporter: one valid 2.1 bundle, streamed, markings included, readable again."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import orjson
from stix2validator import validate_string

from intelpool.access.handling import PAP, TLP
from intelpool.formats.export_records import (
    ExportData,
    ExportEnd,
    ExportEntity,
    ExportExtraObject,
    ExportHandling,
    ExportObservation,
    ExportRelationship,
)
from intelpool.formats.records import (
    DocumentMeta,
    EntityRecord,
    ExtraObjectRecord,
    ImportOptions,
    Marking,
    ObservationRecord,
    Record,
    RelationshipRecord,
)
from intelpool.formats.registry import exporters
from intelpool.formats.stix import exporter, importer
from intelpool.formats.stix.bundle import first_pass
from intelpool.formats.stix.markings import TLP2_IDS

GENERATED = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
SEEN = datetime(2024, 6, 1, 8, 30, 15, 123456, tzinfo=UTC)
POLICE = ExportHandling(contribution_id=1, originator="Police DE", tlp="amber", pap="green",
                        codes=("H1", "H3"), h3_text="only for case 2024/17",
                        eval_scheme="4x4", reliability="B", credibility="2",
                        themes=("botnet",), tags=("type:OSINT",))
BANK = ExportHandling(contribution_id=2, originator="Bank NL", tlp="green", pap="clear",
                      eval_scheme="4x4", reliability="B", credibility="2")
ACTOR = "threat-actor--56f3f0db-b5d5-431c-ae56-c18f02caf500"
ACTOR_BODY: dict[str, Any] = {
    "type": "threat-actor", "id": ACTOR, "created": "2019-05-01T12:00:00Z",
    "modified": "2019-05-01T12:00:00Z", "name": "Salty Spider", "labels": ["crime-syndicate"],
    "x_custom": 1,
    "object_marking_refs": ["marking-definition--8b5ed9c0-5b6c-4d2b-8a6c-3c2c3d4e5f6a"]}
COPYRIGHT = {"type": "marking-definition", "spec_version": "2.1",
             "id": "marking-definition--8b5ed9c0-5b6c-4d2b-8a6c-3c2c3d4e5f6a",
             "created": "2024-01-01T00:00:00.000Z", "definition_type": "statement",
             "definition": {"statement": "Copyright 2024, Example Bank CERT"}}


def observations() -> list[ExportObservation]:
    return [
        ExportObservation("ipv4", "192.0.2.44", POLICE, role="c2", first_seen=SEEN,
                          last_seen=datetime(2024, 6, 3, tzinfo=UTC), tags=("emotet", "tier-1"),
                          comment="seen beaconing", to_ids=True, ref="ipv4-addr--x"),
        ExportObservation("ipv4", "192.0.2.44", BANK),  # the same selector, another partner
        ExportObservation("hostname", "nas01", BANK),
        ExportObservation("ip-port", "[2001:db8::5]:8443", BANK, role="c2"),
        ExportObservation("handle", "exploit.in:salty", POLICE),
        ExportObservation("iban", "DE89370400440532013000", BANK, role="mule-account"),
        ExportObservation("url", "http://c2.example.com/it's", POLICE, to_ids=False),
    ]


def data(**streams: list[Any]) -> ExportData:
    def stream(name: str) -> Any:
        return lambda: iter(streams.get(name, []))

    return ExportData(requester="Bank NL", generated_at=GENERATED,
                      observations=stream("observations"), entities=stream("entities"),
                      relationships=stream("relationships"), extra_objects=stream("extras"))


def full() -> ExportData:
    return data(
        observations=observations(),
        entities=[
            ExportEntity("threat-actor", "Salty Spider", POLICE, ref=ACTOR,
                         body=ACTOR_BODY),
            ExportEntity("malware", "Emotet", BANK, ref="entity:7", aliases=("Geodo",),
                         description="loader"),
            ExportEntity("persona", "salty", POLICE, ref="misp-cluster-9"),
            ExportEntity("organisation", "Shell Ltd", BANK, ref="entity:8"),
        ],
        relationships=[
            ExportRelationship("uses", ExportEnd("entity", ACTOR),
                               ExportEnd("entity", "entity:7"), POLICE),
            ExportRelationship("Communicates With", ExportEnd("entity", "entity:7"),
                               ExportEnd("observable", "x", "ipv4", "192.0.2.44"), BANK,
                               ref="relationship--0e6f2a8b-2b1c-4d0e-9f8a-9b0c1d2e3f82"),
            ExportRelationship("sighting-of", ExportEnd("entity", "entity:8"),
                               ExportEnd("observable", None, "iban", "DE89370400440532013000"),
                               BANK),
            ExportRelationship("alias-of", ExportEnd("entity", "misp-cluster-9"),
                               ExportEnd("external", "threat-actor--1b2c3d4e-5f6a-4b7c-8d9e-"
                                                     "0f1a2b3c4d5e"), POLICE),
        ],
        extras=[
            ExportExtraObject("x-bank-mule-account", {
                "type": "x-bank-mule-account", "spec_version": "2.1",
                "id": "x-bank-mule-account--2a8b4c0d-4d3e-4f2a-9b0c-1d2e3f4a5ba4",
                "created": "2024-03-01T10:00:00.000Z", "modified": "2024-03-01T10:00:00.000Z",
                "x_holder": "J. Doe"}, BANK, ref="x-bank-mule-account--2a8b4c0d"),
            ExportExtraObject("observed-data", {
                "type": "observed-data", "id": "observed-data--4e5f6a7b-8c9d-4e0f-9a1b-"
                                               "2c3d4e5f6a7b",
                "created": "2019-05-03T12:00:00Z", "modified": "2019-05-03T12:00:00Z",
                "first_observed": "2019-05-03T10:00:00Z",
                "last_observed": "2019-05-03T11:00:00Z", "number_observed": 1,
                "objects": {"0": {"type": "ipv4-addr", "value": "198.51.100.23"},
                            "1": {"type": "process", "name": "svchost.exe"}}}, POLICE),
            ExportExtraObject("marking-definition", COPYRIGHT, BANK),
            ExportExtraObject("misp-object", {"name": "bank-account", "Attribute": []}, BANK,
                              ref="5f1b7c3d-misp"),
        ])


def export(source: ExportData) -> bytes:
    out = io.BytesIO()
    exporter.write(source, out)
    return out.getvalue()


def objects(bundle: bytes) -> list[dict[str, Any]]:
    parsed = orjson.loads(bundle)
    assert parsed["type"] == "bundle"
    return list(parsed["objects"])


def reimport(bundle: bytes) -> list[Record]:
    return list(importer.parse(io.BytesIO(bundle), ImportOptions()))


def test_registered_as_stix_2_1_json() -> None:
    found = exporters()["stix"]
    assert (found.media_type, found.extension) == ("application/stix+json;version=2.1", "json")


def test_the_bundle_is_valid_stix_2_1() -> None:
    result = validate_string(export(full()).decode())
    errors = [str(e) for o in (getattr(result, "object_results", None) or [result])
              for e in (o.errors or [])]
    assert errors == []
    assert result.is_valid


def test_the_same_export_twice_is_identical() -> None:
    assert export(full()) == export(full())


def test_every_object_references_its_tlp_and_every_reference_is_defined() -> None:
    written = objects(export(full()))
    defined = {o["id"] for o in written if o["type"] == "marking-definition"}
    for obj in written:
        if obj["type"] == "marking-definition":
            continue
        refs = obj["object_marking_refs"]
        assert any(r in TLP2_IDS.values() for r in refs), obj["id"]
        assert set(refs) <= defined, obj["id"]
    names = {o.get("name") for o in written if o["type"] == "marking-definition"}
    assert {"TLP:AMBER", "TLP:GREEN", "PAP:GREEN", "PAP:CLEAR", "Handling code H1",
            "Handling code H3"} <= names


def test_relationship_ends_point_at_the_exported_objects() -> None:
    written = objects(export(full()))
    by_id = {o["id"]: o for o in written}
    plain = [o for o in written if o["type"] == "indicator" and o["name"] == "192.0.2.44"]
    assert len(plain) == 2 and plain[0]["id"] != plain[1]["id"]
    links = [o for o in written if o["type"] in ("relationship", "sighting")]
    uses, talks, sighting, alias = links
    assert by_id[uses["source_ref"]]["name"] == "Salty Spider"
    assert by_id[uses["target_ref"]]["name"] == "Emotet"
    assert talks["relationship_type"] == "communicates-with"
    assert talks["target_ref"] == plain[0]["id"]
    assert by_id[sighting["sighting_of_ref"]]["pattern"] == (
        "[x-intelpool-iban:value = 'DE89370400440532013000']")
    assert by_id[sighting["where_sighted_refs"][0]]["identity_class"] == "organization"
    assert by_id[alias["source_ref"]]["x_intelpool_kind"] == "persona"
    assert alias["target_ref"] == "threat-actor--1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"


def test_one_object_held_by_two_contributions_goes_out_once_under_each_marking() -> None:
    source = full()
    # The police hold the bank's extra objects too (the same mule account, the same copyright).
    again = [replace(e, handling=POLICE) for e in source.extra_objects()]
    both = data(entities=[*source.entities(), ExportEntity("threat-actor", "Salty Spider", BANK,
                                                           ref=ACTOR, body=ACTOR_BODY)],
                relationships=list(source.relationships()),
                extras=[*source.extra_objects(), *again])
    written = objects(export(both))
    ids = [o["id"] for o in written]
    assert len(ids) == len(set(ids))
    accounts = [o for o in written if o["type"] == "x-bank-mule-account"]
    assert [a["x_intelpool_originator"] for a in accounts] == ["Bank NL", "Police DE"]
    assert [o["type"] for o in written].count("ipv4-addr") == 1  # an observable is one object
    assert ids.count(COPYRIGHT["id"]) == 1
    actors = [o for o in written if o["type"] == "threat-actor"]
    assert [a["id"] == ACTOR for a in actors] == [True, False]
    assert [a["object_marking_refs"][0] for a in actors] == [TLP2_IDS[TLP.AMBER],
                                                             TLP2_IDS[TLP.GREEN]]
    uses = next(o for o in written if o.get("relationship_type") == "uses")
    assert uses["source_ref"] == ACTOR
    assert validate_string(export(both).decode()).is_valid


def test_kept_bodies_go_out_with_new_markings_and_their_own_content() -> None:
    written = {o["id"]: o for o in objects(export(full()))}
    actor = written[ACTOR]
    assert actor["x_custom"] == 1 and actor["spec_version"] == "2.1"
    assert actor["created"] == "2019-05-01T12:00:00.000Z"
    assert actor["object_marking_refs"][0] == TLP2_IDS[TLP.AMBER]
    # A foreign marking (a copyright) stays referenced, and its definition goes out too.
    assert COPYRIGHT["id"] in actor["object_marking_refs"] and COPYRIGHT["id"] in written
    observed = written["observed-data--4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b"]
    assert "objects" not in observed
    assert sorted(written[r]["type"] for r in observed["object_refs"]) == ["ipv4-addr", "process"]


def test_objects_are_written_while_the_records_stream() -> None:
    out = io.BytesIO()
    sizes: list[int] = []

    def stream() -> Iterator[ExportObservation]:
        for item in observations():
            yield item
            sizes.append(out.tell())

    exporter.write(ExportData("Bank NL", GENERATED, stream), out)
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)


def test_observations_read_back_with_everything_the_pool_knows() -> None:
    items = reimport(export(data(observations=observations())))
    assert not [r for r in items if isinstance(r, EntityRecord)]
    back = [(r.type, r.value, r.role, r.first_seen, r.last_seen, r.tags, r.comment, r.to_ids,
             r.marking) for r in items if isinstance(r, ObservationRecord)]
    police = Marking(TLP.AMBER, PAP.GREEN, frozenset({"H1", "H3"}), "only for case 2024/17")
    bank = Marking(TLP.GREEN, PAP.CLEAR)
    assert back == [
        ("ipv4", "192.0.2.44", "c2", SEEN, datetime(2024, 6, 3, tzinfo=UTC),
         ("emotet", "tier-1"), "seen beaconing", True, police),
        ("ipv4", "192.0.2.44", None, None, None, (), None, None, bank),
        ("hostname", "nas01", None, None, None, (), None, None, bank),
        ("ip-port", "[2001:db8::5]:8443", "c2", None, None, (), None, None, bank),
        ("handle", "exploit.in:salty", None, None, None, (), None, None, police),
        ("iban", "DE89370400440532013000", "mule-account", None, None, (), None, None, bank),
        ("url", "http://c2.example.com/it's", None, None, None, (), None, False, police),
    ]


def test_handling_codes_evaluation_and_themes_read_back() -> None:
    bundle = export(data(observations=observations()[:1]))
    knowledge = first_pass(io.BytesIO(bundle))
    indicator = next(o for o in objects(bundle) if o["type"] == "indicator")
    facts = knowledge.markings.facts(indicator)
    assert (facts.tlp, facts.pap, facts.codes, facts.h3_text) == (
        TLP.AMBER, PAP.GREEN, frozenset({"H1", "H3"}), "only for case 2024/17")
    assert indicator["x_intelpool_tags"] == ["type:OSINT"]
    meta = reimport(bundle)[0]
    assert meta == DocumentMeta(themes=("botnet",), evaluation=("4x4", "B", "2"),
                                tags=("type:OSINT",))


def test_entities_relationships_and_extras_read_back() -> None:
    items = reimport(export(full()))
    entities = {(r.kind, r.name, r.aliases, r.description) for r in items
                if isinstance(r, EntityRecord)}
    assert entities == {("threat-actor", "Salty Spider", (), None),
                        ("malware", "Emotet", ("Geodo",), "loader"),
                        ("persona", "salty", (), None),
                        ("organisation", "Shell Ltd", (), None)}
    links = [r.type for r in items if isinstance(r, RelationshipRecord)]
    assert links == ["uses", "communicates-with", "sighting-of", "alias-of"]
    extras = {(r.type, r.ref) for r in items if isinstance(r, ExtraObjectRecord)}
    assert ("misp-object", "5f1b7c3d-misp") in extras
    assert ("x-bank-mule-account", "x-bank-mule-account--2a8b4c0d-4d3e-4f2a-9b0c-"
                                   "1d2e3f4a5ba4") in extras
    assert ("marking-definition", COPYRIGHT["id"]) in extras
    actor = next(r for r in items if isinstance(r, EntityRecord) and r.kind == "threat-actor")
    assert actor.body is not None and "x_intelpool_originator" not in actor.body
    assert actor.body["object_marking_refs"] == [COPYRIGHT["id"]]
