"""The MISP exporter as a pure function: export records in, MISP events that PyMISP loads out."""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pymisp

from intelpool.formats.export_records import (
    ExportData,
    ExportEnd,
    ExportEntity,
    ExportExtraObject,
    ExportHandling,
    ExportObservation,
    ExportRelationship,
)
from intelpool.formats.misp.exporter import write
from intelpool.formats.registry import get_exporter

NOW = datetime(2024, 3, 10, 12, tzinfo=UTC)
SEEN = datetime(2024, 3, 1, 8, tzinfo=UTC)
BANK = ExportHandling(1, "Bank NL", "green", "amber", codes=("H1",), eval_scheme="admiralty",
                      reliability="B", credibility="2", themes=("online-fraud", "botnet"))
POLICE = ExportHandling(2, "a partner", "red", "red", codes=("H2", "H3"),
                        h3_text="not for court", anonymous=True, eval_scheme="4x4",
                        reliability="X", credibility="3", themes=("malware-development",))
OBJ = "b0b0b0b0-0000-4000-8000-000000000000"


def obs(type_: str, value: str, handling: ExportHandling = BANK, **kw: Any) -> ExportObservation:
    return ExportObservation(type_, value, handling, **kw)


def o(type_: str, value: str, ref: str | None = None) -> ExportEnd:
    return ExportEnd("observable", ref, type_, value)


OBSERVATIONS = [
    obs("ipv4", "198.51.100.7", role="c2", to_ids=True, comment="C2", first_seen=SEEN,
        last_seen=NOW, ref="a0a0a0a0-0000-4000-8000-000000000000"),
    obs("ipv6", "2001:db8::66", role="network-activity", tags=('intelpool:misp-type="ip-src"',)),
    obs("url", "https://login.malicious.example/", role="payload-delivery"),
    obs("sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ref="b0b0b0b0-0000-4000-8000-000000000002"),
    obs("eth-wallet", "0x52908400098527886e0f7030069857d2e4169ee7"),
    obs("handle", "github:evil-coder"),
    obs("handle", "exploit.in:seller42"),
    obs("ip-port", "[2001:db8::1]:8443"),
    obs("x509-fingerprint", "a" * 64),
    obs("card-bin", "412345"),
    obs("domain", "negotiate.malicious.example", POLICE, to_ids=False),
]
ENTITIES = [
    ExportEntity("malware", "Emotet", BANK, ref="malware--1", aliases=("Geodo",),
                 description="loader"),
    ExportEntity("campaign", "Spring mule wave", BANK, ref="campaign--1"),
    ExportEntity("threat-actor", "FIN-EXAMPLE", BANK, ref="c0c0c0c0-0000-4000-8000-000000000000",
                 body={"galaxy": {"type": "threat-actor", "name": "Threat Actor"},
                       "uuid": "c0c0c0c0-0000-4000-8000-000000000000", "id": "45563",
                       "meta": {"country": ["XX"], "synonyms": ["old"]}}),
]
RELATIONSHIPS = [
    ExportRelationship("resolves-to", o("url", "https://login.malicious.example/"),
                       o("ipv4", "198.51.100.7"), BANK),
    ExportRelationship("indicates", o("ipv4", "198.51.100.7"),
                       ExportEnd("entity", "malware--1"), BANK),
    ExportRelationship("uses", ExportEnd("entity", "c0c0c0c0-0000-4000-8000-000000000000"),
                       ExportEnd("entity", "malware--1"), BANK),
    ExportRelationship("contains", ExportEnd("external", OBJ),
                       o("sha256", OBSERVATIONS[3].value, "b0b0b0b0-0000-4000-8000-000000000002"),
                       BANK, body={"object_relation": "sha256"}),
    ExportRelationship("communicates-with", ExportEnd("external", OBJ),
                       o("ipv4", "198.51.100.7", "a0a0a0a0-0000-4000-8000-000000000000"), BANK),
    # MISP has no place for a link from an entity to an observation: left out.
    ExportRelationship("uses", ExportEnd("entity", "campaign--1"), o("url", "https://x.example/"),
                       BANK),
]
EXTRAS = [ExportExtraObject("misp-object", {
    "name": "file", "meta-category": "file", "uuid": OBJ, "id": "1555",
    "Attribute": [{"type": "size-in-bytes", "object_relation": "size-in-bytes", "value": "40960",
                   "uuid": "b0b0b0b0-0000-4000-8000-000000000003", "id": "1188944"}],
}, BANK, ref=OBJ), ExportExtraObject("x-custom", {"id": "x-custom--1"}, BANK, ref="x-custom--1")]


def data(observations: list[ExportObservation] = OBSERVATIONS,
         entities: list[ExportEntity] = ENTITIES) -> ExportData:
    def stream(items: list[Any]) -> Any:
        return lambda: iter(items)

    return ExportData("Bank NL", NOW, stream(observations), stream(entities),
                      stream(RELATIONSHIPS), stream(EXTRAS))


def export(source: ExportData) -> list[dict[str, Any]]:
    out = io.BytesIO()
    write(source, out)
    return [e["Event"] for e in orjson.loads(out.getvalue())["response"]]


def loaded(event: dict[str, Any]) -> pymisp.MISPEvent:
    misp_event = pymisp.MISPEvent()
    misp_event.load({"Event": copy.deepcopy(event)})  # PyMISP consumes what it loads
    return misp_event


def attributes(event: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["value"]: a for a in event["Attribute"]}


def test_the_exporter_is_registered_as_json() -> None:
    found = get_exporter("misp")
    assert (found.media_type, found.extension) == ("application/json", "json")


def test_one_event_per_contribution_and_pymisp_loads_each() -> None:
    bank, police = export(data())
    assert [len(loaded(e).attributes) for e in (bank, police)] == [9, 1]
    assert len(loaded(bank).objects[0].attributes) == 2
    assert bank["uuid"] != police["uuid"]
    assert (bank["Orgc"]["name"], police["Orgc"]["name"]) == ("Bank NL", "a partner")
    assert export(data())[0]["uuid"] == bank["uuid"]  # stable across exports


def test_uuids_are_stable_but_never_shared_between_contributions() -> None:
    ref = "a0a0a0a0-0000-4000-8000-000000000000"
    twice = [obs("ipv4", "198.51.100.7", ref=ref), obs("ipv4", "198.51.100.7", POLICE, ref=ref)]
    first, second = (attributes(e)["198.51.100.7"]["uuid"] for e in export(data(twice)))
    assert first != second  # MISP refuses an attribute uuid another event holds
    assert ref not in (first, second)
    assert attributes(export(data(twice))[0])["198.51.100.7"]["uuid"] == first
    clusters = {c["value"]: c["uuid"] for g in export(data())[0]["Galaxy"]
                for c in g["GalaxyCluster"]}
    assert clusters["FIN-EXAMPLE"] == "c0c0c0c0-0000-4000-8000-000000000000"  # shared


def test_handling_travels_as_event_tags() -> None:
    bank, police = export(data())
    bank_tags = {t["name"] for t in bank["Tag"]}
    assert {"tlp:green", "PAP:AMBER", 'intelpool:handling="H1"',
            'admiralty-scale:source-reliability="b"', 'admiralty-scale:information-credibility="2"',
            'intelpool:theme="online-fraud"', "europol-incident:fraud",
            'intelpool:theme="botnet"', 'europol-incident:malware="c&c"'} <= bank_tags
    police_tags = {t["name"] for t in police["Tag"]}
    assert {"tlp:red", "PAP:RED", 'intelpool:handling="H2"', 'intelpool:h3="not for court"',
            'intelpool:evaluation-scheme="4x4"', 'intelpool:source-reliability="X"',
            'intelpool:information-credibility="3"',
            'intelpool:theme="malware-development"'} <= police_tags
    assert not any(t.startswith("admiralty-scale") for t in police_tags)
    assert (bank["distribution"], police["distribution"]) == ("1", "0")


def test_attributes_carry_type_category_and_details() -> None:
    attrs = attributes(export(data())[0])
    c2 = attrs["198.51.100.7"]
    assert (c2["type"], c2["category"], c2["to_ids"], c2["comment"]) == (
        "ip-dst", "Network activity", True, "C2")
    assert {t["name"] for t in c2["Tag"]} == {'intelpool:role="c2"'}  # c2 is no MISP category
    assert (c2["first_seen"], c2["last_seen"]) == (SEEN.isoformat(), NOW.isoformat())
    assert (attrs["2001:db8::66"]["type"], attrs["2001:db8::66"]["Tag"]) == ("ip-src", [])
    assert attrs["https://login.malicious.example/"]["category"] == "Payload delivery"
    assert attrs["evil-coder"]["type"] == "github-username"
    assert attrs["2001:db8::1|8443"]["type"] == "ip-dst|port"
    assert attrs["a" * 64]["type"] == "x509-fingerprint-sha256"
    assert attrs["412345"]["type"] == "bin"
    # Types MISP has no attribute type for go as text, with their intelpool type.
    for value in ("0x52908400098527886e0f7030069857d2e4169ee7", "exploit.in:seller42"):
        assert attrs[value]["type"] == "text"
        assert attrs[value]["Tag"][0]["name"].startswith("intelpool:type=")
    assert "category" not in attrs["a" * 64]  # no role: MISP's default category


def test_relationships_go_where_misp_holds_them() -> None:
    bank = export(data())[0]
    attrs = attributes(bank)
    c2 = attrs["198.51.100.7"]
    url = attrs["https://login.malicious.example/"]
    (resolves,) = url["Relationship"]
    assert (resolves["relationship_type"], resolves["related_object_uuid"]) == (
        "resolves-to", c2["uuid"])
    clusters = {c["value"]: c for g in bank["Galaxy"] for c in g["GalaxyCluster"]}
    (indicates,) = c2["Relationship"]
    assert (indicates["related_object_type"], indicates["related_object_uuid"]) == (
        "GalaxyCluster", clusters["Emotet"]["uuid"])
    (uses,) = clusters["FIN-EXAMPLE"]["GalaxyClusterRelation"]
    assert uses["referenced_galaxy_cluster_uuid"] == clusters["Emotet"]["uuid"]
    (obj,) = bank["Object"]
    assert "id" not in obj  # the source instance's database id means nothing elsewhere
    members = {a["object_relation"]: a for a in obj["Attribute"]}
    assert members["sha256"]["value"] == OBSERVATIONS[3].value
    size = members["size-in-bytes"]
    assert "id" not in size and size["uuid"] != "b0b0b0b0-0000-4000-8000-000000000003"
    (reference,) = obj["ObjectReference"]
    assert (reference["relationship_type"], reference["referenced_uuid"]) == (
        "communicates-with", c2["uuid"])
    # The hash sits in the object only; the campaign's link to an observation is left out.
    assert OBSERVATIONS[3].value not in attrs
    assert not clusters["Spring mule wave"]["GalaxyClusterRelation"]


def test_entities_become_galaxy_clusters_and_event_tags() -> None:
    bank = export(data())[0]
    galaxies = {g["type"]: g for g in bank["Galaxy"]}
    assert set(galaxies) == {"malpedia", "intelpool-campaign", "threat-actor"}
    (emotet,) = galaxies["malpedia"]["GalaxyCluster"]
    assert (emotet["meta"]["synonyms"], emotet["description"]) == (["Geodo"], "loader")
    (actor,) = galaxies["threat-actor"]["GalaxyCluster"]
    assert actor["meta"] == {"country": ["XX"], "synonyms": []}  # aliases are the pool's
    assert "id" not in actor
    tags = {t["name"] for t in bank["Tag"]}
    assert {'misp-galaxy:malpedia="Emotet"', 'misp-galaxy:intelpool-campaign="Spring mule wave"',
            'misp-galaxy:threat-actor="FIN-EXAMPLE"'} <= tags
    assert len(loaded(bank).galaxies) == 3


def test_a_kept_cluster_body_of_the_wrong_shape_still_exports() -> None:
    # Bodies are kept as the partner sent them: a galaxy or meta that is not an object.
    odd = ExportEntity("threat-actor", "Odd Actor", BANK,
                       ref="c0c0c0c0-0000-4000-8000-0000000000ff",
                       body={"galaxy": "threat-actor", "meta": ["not", "an", "object"]})
    bank = export(data(entities=[*ENTITIES, odd]))[0]
    clusters = [c for g in bank["Galaxy"] for c in g["GalaxyCluster"]]
    (found,) = [c for c in clusters if c["value"] == "Odd Actor"]
    assert found["meta"] == {"synonyms": []}
    assert len(loaded(bank).galaxies) >= 3


def test_records_not_grouped_by_contribution_still_all_arrive() -> None:
    # An entity of contribution 1 after records of contribution 2: a second event for 1,
    # with the same uuid, which MISP merges.
    late = ExportEntity("tool", "Cobalt Strike", BANK, ref="tool--1")
    source = data(entities=[*ENTITIES, late])
    first = source.entities
    source.entities = lambda: _then(first(), ExportEntity("tool", "x", POLICE, ref="t2"))
    events = export(source)
    names = [c["value"] for e in events for g in e["Galaxy"] for c in g["GalaxyCluster"]]
    assert sorted(names) == sorted(["Emotet", "Spring mule wave", "FIN-EXAMPLE", "Cobalt Strike",
                                    "x"])
    for event in events:
        loaded(event)


def _then(items: Iterator[ExportEntity], extra: ExportEntity) -> Iterator[ExportEntity]:
    listed = list(items)
    yield from listed[:1]
    yield extra
    yield from listed[1:]


def test_an_empty_export_is_an_empty_response() -> None:
    out = io.BytesIO()
    write(ExportData("Bank NL", NOW, lambda: iter(())), out)
    assert orjson.loads(out.getvalue()) == {"response": []}
