"""The MISP importer as a pure function: event JSON in, records and rejections out."""

from __future__ import annotations

import io
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pymisp
import pytest

from intelpool.access.handling import PAP, TLP
from intelpool.errors import InvalidInput
from intelpool.formats.misp.importer import parse, parse_feed
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
from intelpool.formats.registry import detect_format, directory_importer

DATA = Path(__file__).parents[2] / "data" / "misp"


def a(n: int) -> str:
    return f"a0a0a0a0-0000-4000-8000-{n:012d}"


def records(source: Path | bytes | dict[str, Any] | list[Any]) -> list[Record]:
    if isinstance(source, Path):
        data = source.read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = orjson.dumps(source)
    return list(parse(io.BytesIO(data), ImportOptions()))


def observations(items: list[Record]) -> dict[str, ObservationRecord]:
    return {r.ref or r.location: r for r in items if isinstance(r, ObservationRecord)}


def rejections(items: list[Record]) -> dict[str, Rejection]:
    return {r.location: r for r in items if isinstance(r, Rejection)}


def of(kind: type, items: list[Record]) -> list[Any]:
    return [r for r in items if isinstance(r, kind)]


def event(attributes: list[dict[str, Any]], tags: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"Event": {"info": "test", "Attribute": attributes,
                      "Tag": [{"name": t} for t in tags]}}


def test_misp_json_is_recognised_by_content() -> None:
    for name in ("event.json", "bare_event.json", "collection.json", "list.json"):
        assert detect_format((DATA / name).read_bytes()[:65536]).name == "misp", name
    assert detect_format(b'{"response": [{"Event": {"info": "x"}}]}').name == "misp"
    assert detect_format(b"198.51.100.7\n").name != "misp"
    assert directory_importer("auto").name == "misp"


def test_document_meta_comes_first_though_the_tags_follow_the_attributes() -> None:
    items = records(DATA / "event.json")
    meta = items[0]
    assert isinstance(meta, DocumentMeta)
    assert not of(DocumentMeta, items[1:])
    assert meta.title == "Banking trojan campaign against customers of Example Bank"
    assert meta.marking == Marking(TLP.AMBER, PAP.GREEN)
    assert meta.evaluation == ("admiralty", "B", "2")
    # europol-incident malware c&c -> botnet; europol-event hosting-phishing-sites -> fraud
    assert meta.themes == ("botnet", "online-fraud")
    assert "type:OSINT" in meta.tags


def test_attribute_types_become_typed_observations() -> None:
    obs = observations(records(DATA / "event.json"))
    found = {ref: (r.type, r.value) for ref, r in obs.items()}
    assert found[a(0)] == (None, "198.51.100.7")  # ip-src/ip-dst: the pool tells v4 from v6
    assert found[a(1)] == (None, "2001:db8::66")
    assert found[a(2)] == ("domain", "malicious.example")
    assert found[a(3)] == ("url", "hxxps://examplebank-login[.]example/signin.php")
    assert found[a(4)] == ("domain", "cdn.malicious.example")  # a MISP hostname with dots
    assert found[a(5)] == ("email", "phisher@mail.malicious.example")
    assert found[a(6)] == ("md5", "0f3a9c2e8d7b6a5f4e3d2c1b0a998877")
    assert found[a(10)] == ("ip-port", "203.0.113.10:8443")
    assert found[a(13)] == ("btc-wallet", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")
    assert found[a(14)] == ("handle", "github:evil-coder")
    assert found[a(15)] == ("asn", "AS64500")
    assert found[a(22)] == ("iban", "DE89370400440532013000")
    assert found[a(23)] == ("phone", "+4915123456789")


def test_attribute_details_are_kept() -> None:
    obs = observations(records(DATA / "event.json"))
    c2 = obs[a(0)]
    assert (c2.role, c2.to_ids, c2.comment) == ("c2", True, "C2 server")  # intelpool:role wins
    assert c2.first_seen == datetime(2024, 2, 20, 10, tzinfo=UTC)
    assert c2.last_seen == datetime(2024, 2, 28, 18, 30, tzinfo=UTC)
    url = obs[a(3)]
    assert (url.role, url.to_ids) == ("payload-delivery", True)
    assert url.location == "$.Event.Attribute[3]"
    assert url.first_seen == datetime.fromtimestamp(1709280000, UTC)  # from the timestamp
    # The MISP type is kept where an export would not give it back by itself.
    assert 'intelpool:misp-type="ip-src"' in obs[a(1)].tags
    assert 'intelpool:misp-type="email-src"' in obs[a(5)].tags
    assert not any(t.startswith("intelpool:misp-type") for t in obs[a(2)].tags)


def test_composite_values_give_two_observations_and_their_link() -> None:
    items = records(DATA / "event.json")
    obs = observations(items)
    assert (obs[a(8)].type, obs[a(8)].value) == ("filename", "invoice.exe")
    assert (obs[f"{a(8)}:2"].type, obs[f"{a(8)}:2"].value) == ("md5",
                                                               "5f4dcc3b5aa765d61d8327deb882cf99")
    assert (obs[a(9)].value, obs[f"{a(9)}:2"].value) == ("update.malicious.example",
                                                        "203.0.113.10")
    links = {(r.type, r.source_ref, r.target_ref) for r in of(RelationshipRecord, items)}
    assert ("has-hash", a(8), f"{a(8)}:2") in links
    assert ("resolves-to", a(9), f"{a(9)}:2") in links


def test_what_is_not_a_selector_is_rejected_with_its_reason() -> None:
    rejected = rejections(records(DATA / "event.json"))
    assert rejected["$.Event.Attribute[11]"].reason == (
        "a MISP link is a reference to a report, not a selector")
    assert rejected["$.Event.Attribute[12]"].reason == "MISP type 'text' is not a selector"
    assert rejected["$.Event.Attribute[20]"].reason == "attribute is marked deleted in MISP"
    assert rejected["$.Event.Attribute[21]"].reason == "MISP domain attribute has no value"
    # A bad time loses only the time: the observation stays.
    assert rejected["$.Event.Attribute[19].first_seen"].value == "yesterday"
    assert a(19) in observations(records(DATA / "event.json"))
    assert len(rejected) == 5


def test_an_attribute_marking_stricter_than_the_event_goes_on_its_record() -> None:
    obs = observations(records(DATA / "event.json"))
    assert obs[a(17)].marking == Marking(TLP.RED, PAP.GREEN)
    assert obs[a(2)].marking is None  # the event's marking: DocumentMeta applies it


def test_galaxy_clusters_and_galaxy_tags_become_entities() -> None:
    items = records(DATA / "event.json")
    entities = {r.name: r for r in of(EntityRecord, items)}
    assert set(entities) == {"FIN-EXAMPLE", "Zeus", "Emotet", "CVE-2023-12345"}
    actor = entities["FIN-EXAMPLE"]
    assert (actor.kind, actor.ref, actor.aliases) == (
        "threat-actor", "c0c0c0c0-0000-4000-8000-000000000000", ("Example Spider", "TA-0000"))
    assert actor.description == "Financially motivated group targeting bank customers"
    assert (entities["Zeus"].kind, entities["Zeus"].ref) == ("malware", 'misp-galaxy:banker="Zeus"')
    assert (entities["Emotet"].kind, entities["Emotet"].aliases) == ("malware", ("Geodo", "Heodo"))
    assert entities["CVE-2023-12345"].kind == "vulnerability"
    links = {(r.type, r.source_ref, r.target_ref) for r in of(RelationshipRecord, items)}
    # cluster -> cluster; an attribute's cluster is linked to the attribute
    assert ("uses", actor.ref, "c1c1c1c1-0000-4000-8000-000000000001") in links
    assert ("related-to", a(18), "c1c1c1c1-0000-4000-8000-000000000001") in links


def test_objects_are_kept_with_their_attributes_and_references() -> None:
    items = records(DATA / "event.json")
    obj_uuid = "b0b0b0b0-0000-4000-8000-000000000000"
    (obj,) = of(ExtraObjectRecord, items)
    assert (obj.type, obj.ref, obj.body["name"]) == ("misp-object", obj_uuid, "file")
    # The size is not a selector: it stays in the object instead of being rejected.
    assert [x["object_relation"] for x in obj.body["Attribute"]] == ["size-in-bytes"]
    obs = observations(items)
    assert obs["b0b0b0b0-0000-4000-8000-000000000001"].value == "dropper.dll"
    assert obs["b0b0b0b0-0000-4000-8000-000000000002"].location == (
        "$.Event.Object[0].Attribute[1]")
    links = {(r.type, r.source_ref, r.target_ref): r for r in of(RelationshipRecord, items)}
    contains = links[("contains", obj_uuid, "b0b0b0b0-0000-4000-8000-000000000002")]
    assert contains.body == {"object_relation": "sha256"}
    reference = links[("communicates-with", obj_uuid, a(0))]
    assert reference.body == {"comment": "beacons every five minutes"}


def test_an_event_without_the_wrapper_is_read() -> None:
    items = records(DATA / "bare_event.json")
    meta = items[0]
    assert isinstance(meta, DocumentMeta)
    assert (meta.title, meta.marking, meta.themes) == (
        "Phishing kit panel", Marking(TLP.CLEAR), ("online-fraud",))
    assert {r.value for r in of(ObservationRecord, items)} == {
        "http://panel.malicious.example/gate.php", "da39a3ee5e6b4b0d3255bfef95601890afd80709"}
    assert rejections(items)["$.Attribute[2]"].reason == "MISP type 'comment' is not a selector"


def test_a_response_of_several_events_is_one_contribution_with_per_event_markings() -> None:
    items = records(DATA / "collection.json")
    meta = items[0]
    assert isinstance(meta, DocumentMeta)
    # The first event's title; themes of all; the marking every event states at least.
    assert meta.title == "Mule accounts reported by Example Bank"
    assert meta.themes == ("online-fraud", "botnet")
    assert meta.marking == Marking(TLP.GREEN, PAP.AMBER)
    assert meta.evaluation is None  # the first event states none
    obs = {r.value: r for r in of(ObservationRecord, items)}
    assert obs["GB82WEST12345698765432"].marking is None
    assert obs["negotiate.malicious.example"].marking == Marking(TLP.RED, PAP.RED)
    assert obs["negotiate.malicious.example"].location == "$.response[1].Event.Attribute[0]"


def test_a_list_mixing_wrapped_and_bare_events_is_read() -> None:
    items = records(DATA / "list.json")
    obs = {r.value: r for r in of(ObservationRecord, items)}
    assert obs["203.0.113.50"].location == "$[0].Event.Attribute[0]"
    assert obs["203.0.113.51"].location == "$[1].Attribute[0]"
    assert obs["203.0.113.51"].marking == Marking(TLP.AMBER)


def test_a_feed_directory_is_read_event_by_event() -> None:
    items = list(parse_feed(DATA / "feed", ImportOptions()))
    meta = items[0]
    assert isinstance(meta, DocumentMeta)
    assert (meta.title, meta.marking, meta.themes) == (
        "Feed event one", Marking(TLP.GREEN), ("malware-distribution",))
    obs = {r.value: r for r in of(ObservationRecord, items)}
    assert obs["b1946ac92492d2347c6235b4d2611184"].marking == Marking(TLP.AMBER)
    assert obs["b1946ac92492d2347c6235b4d2611184"].location == (
        "3e3e3e3e-0000-4000-8000-000000000002.json $.Event.Attribute[0]")
    (missing,) = of(Rejection, items)
    assert (missing.location, missing.value) == ("manifest.json",
                                                 "3e3e3e3e-0000-4000-8000-000000000003")


def test_bad_attributes_objects_and_tags_are_rejected_where_they_are() -> None:
    items = records(DATA / "bad_items.json")
    rejected = {r.location: r.reason for r in of(Rejection, items)}
    assert rejected == {
        "$.Event.Tag[0]": "unknown TLP label 'purple': use clear, green, amber, amber+strict "
                          "or red",
        "$.Event.Tag[1]": "source reliability 'G' has no admiralty code in intelpool",
        "$.Event.Attribute[0]": "attribute is not a JSON object",
        "$.Event.Attribute[1]": "attribute has no type",
        "$.Event.Attribute[2]": "MISP ip-dst|port value is not 'ip|port'",
        "$.Event.Object[0].ObjectReference[0]": "object reference without referenced_uuid",
    }
    assert {r.value for r in of(ObservationRecord, items)} == {"198.51.100.78", "bad..example"}


@pytest.mark.parametrize(("name", "message"), [
    ("truncated.json", "not valid JSON"),
    ("not_misp.json", "no MISP event found"),
])
def test_files_that_are_not_misp_fail_whole(name: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        records(DATA / name)


def test_non_json_input_fails_with_one_line() -> None:
    with pytest.raises(InvalidInput) as failure:
        records(b"ip-dst,198.51.100.7\n")
    assert "\n" not in str(failure.value)


def test_handling_codes_and_4x4_evaluation_tags_are_read() -> None:
    items = records(event([{"type": "domain", "value": "x.example"}], (
        "tlp:amber+strict", 'intelpool:handling="H2"', 'intelpool:h3="no court use"',
        'intelpool:evaluation-scheme="4x4"', 'intelpool:source-reliability="X"',
        'intelpool:information-credibility="3"', 'intelpool:theme="malware-testing"')))
    meta = items[0]
    assert isinstance(meta, DocumentMeta)
    assert meta.marking == Marking(TLP.AMBER_STRICT, codes=frozenset({"H2", "H3"}),
                                   h3_text="no court use")
    assert meta.evaluation == ("4x4", "X", "3")
    assert meta.themes == ("malware-testing",)


def test_an_event_made_by_pymisp_is_read() -> None:
    misp_event = pymisp.MISPEvent()
    misp_event.info = "made with PyMISP"
    misp_event.add_tag("tlp:green")
    misp_event.add_attribute("ip-dst", "198.51.100.9", comment="seen in logs")
    obj = pymisp.MISPObject("domain-ip")
    obj.add_attribute("domain", value="pymisp.malicious.example")
    obj.add_attribute("ip", value="198.51.100.10")
    misp_event.add_object(obj)
    items = records(misp_event.to_json().encode())
    assert {r.value for r in of(ObservationRecord, items)} == {
        "198.51.100.9", "pymisp.malicious.example", "198.51.100.10"}
    assert len(of(ExtraObjectRecord, items)) == 1
    assert not of(Rejection, items)


def test_a_feed_without_manifest_reads_every_event_file_and_rejects_broken_ones(
        tmp_path: Path) -> None:
    for source in (DATA / "feed").glob("3e3e*.json"):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    (tmp_path / "0000-broken.json").write_bytes(b'{"Event": {"info": "cut short", "Attr')
    items = list(parse_feed(tmp_path, ImportOptions()))
    (broken,) = of(Rejection, items)
    assert broken.location == "0000-broken.json"
    assert broken.reason.startswith("not valid JSON")
    assert len(of(ObservationRecord, items)) == 2


def test_a_directory_without_events_is_not_a_feed(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not a MISP feed"):
        list(parse_feed(tmp_path, ImportOptions()))


def _big_event(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('{"Event": {"info": "large", "Attribute": [')
        for n in range(count):
            out.write(("," if n else "") + orjson.dumps({
                "uuid": f"a0a0a0a0-0000-4000-8000-{n:012d}", "type": "ip-dst",
                "category": "Network activity", "value": f"10.{n >> 16 & 255}.{n >> 8 & 255}."
                f"{n & 255}", "to_ids": True, "comment": "x" * 50, "timestamp": "1709280000",
                "Tag": [{"name": "tlp:green"}]}).decode())
        out.write('], "Tag": [{"name": "tlp:amber"}]}}')


def test_memory_does_not_grow_with_the_size_of_an_event(tmp_path: Path) -> None:
    def peak(count: int) -> int:
        path = tmp_path / f"event-{count}.json"
        _big_event(path, count)
        tracemalloc.start()
        with path.open("rb") as stream:
            for _ in parse(stream, ImportOptions()):
                pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    small, large = peak(2_000), peak(10_000)
    assert large < small * 1.5


def test_event_parts_without_selectors_are_reported_not_dropped() -> None:
    source = event([{"type": "ip-dst", "value": "198.51.100.7"}])
    source["Event"]["EventReport"] = [{"name": "Weekly summary", "content": "..."}]
    source["Event"]["ShadowAttribute"] = [{"type": "ip-dst", "value": "198.51.100.8"}]
    rejected = rejections(records(source))
    assert rejected["$.Event.EventReport[0]"].value == "Weekly summary"
    assert rejected["$.Event.ShadowAttribute[0]"].reason.startswith("MISP proposals")


def test_texts_given_as_other_json_values_are_kept_as_text() -> None:
    # Hand-written events put numbers where MISP writes strings; records hold text.
    items = records({"Event": {"info": "test", "Attribute": [
        {"type": "threat-actor", "value": "Salty Spider", "uuid": a(1), "comment": 42},
        {"type": "ip-dst", "value": "192.0.2.30", "uuid": a(2), "comment": 7.5}],
        "Object": [{"name": "file", "uuid": a(3), "Attribute": [], "ObjectReference": [
            {"uuid": 1234, "referenced_uuid": a(2), "relationship_type": "drops"}]}]}})
    (actor,) = of(EntityRecord, items)
    assert actor.description == "42"
    assert observations(items)[a(2)].comment == "7.5"
    (reference,) = [r for r in of(RelationshipRecord, items) if r.type == "drops"]
    assert reference.ref == "1234"
