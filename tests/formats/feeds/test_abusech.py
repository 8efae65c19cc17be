"""abuse.ch feeds: Feodo Tracker, URLhaus, ThreatFox, MalwareBazaar (parsers only)."""

from __future__ import annotations

import pytest

from intelpool.errors import InvalidInput
from intelpool.formats.feeds import threatfox
from intelpool.formats.records import DocumentMeta, EntityRecord, RelationshipRecord
from tests.formats.feeds.support import (
    observations,
    parse_bytes,
    parse_file,
    rejections,
    utc,
    values,
)


def test_feodotracker_json_gives_address_endpoint_and_host_name_of_each_c2() -> None:
    records = parse_file("feed:feodotracker", "feodotracker.json")
    assert values(records) == [
        ("192.0.2.10", "ipv4", "c2"), ("192.0.2.10:443", "ip-port", "c2"),
        ("c2.example.net", "domain", "c2"),
        ("2001:db8::10", "ipv6", "c2"), ("[2001:db8::10]:8443", "ip-port", "c2"),
    ]
    first = observations(records)[0]
    assert (first.first_seen, first.last_seen, first.tags) == (
        utc(2024, 3, 1, 10), utc(2024, 4, 18), ("QakBot",))
    assert rejections(records) == [("$[2]", "bad date in first_seen: 'yesterday'"),
                                   ("$[3]", "entry is not a JSON object")]


def test_feodotracker_links_each_c2_to_one_malware_entity_per_family() -> None:
    records = parse_file("feed:feodotracker", "feodotracker.json")
    entities = [(e.kind, e.name, e.ref) for e in records if isinstance(e, EntityRecord)]
    links = [(r.source_ref, r.target_ref) for r in records if isinstance(r, RelationshipRecord)]
    assert entities == [("malware", "QakBot", "malware:qakbot"),
                        ("malware", "Pikabot", "malware:pikabot")]
    assert ("192.0.2.10:443", "malware:qakbot") in links
    assert ("[2001:db8::10]:8443", "malware:pikabot") in links
    assert len(links) == 5


def test_feodotracker_legacy_csv_is_told_from_json_by_its_content() -> None:
    records = parse_file("feed:feodotracker", "feodotracker.csv")
    assert values(records) == [
        ("192.0.2.10", "ipv4", "c2"), ("192.0.2.10:443", "ip-port", "c2"),
        ("203.0.113.25", "ipv4", "c2"), ("203.0.113.25:995", "ip-port", "c2"),
    ]
    assert observations(records)[2].tags == ("Emotet",)
    assert observations(records)[2].last_seen == utc(2024, 4, 2)
    assert rejections(records) == [("line 12", "line has 4 fields, expected 6")]


def test_a_json_feed_that_is_not_json_of_its_shape_is_refused_as_a_whole() -> None:
    with pytest.raises(InvalidInput, match="not a Feodo Tracker file: invalid JSON"):
        parse_bytes("feed:feodotracker", b'[{"ip_address": "192.0.2.1"')
    with pytest.raises(InvalidInput, match="expected a JSON object keyed by IOC id"):
        parse_bytes("feed:threatfox", b'[{"ioc_value": "example.com"}]')


def test_urlhaus_keeps_tags_dates_and_the_entry_id() -> None:
    records = parse_file("feed:urlhaus", "urlhaus.csv")
    assert values(records) == [
        ("http://192.0.2.44:35211/Mozi.m", "url", "malware-distribution"),
        ("https://files.example.org/invoice.zip", "url", "malware-distribution"),
    ]
    first, second = observations(records)
    assert first.tags == ("32-bit", "elf", "mips", "Mozi")
    assert (first.first_seen, first.ref) == (utc(2024, 4, 18, 11, 58, 1), "2800001")
    assert second.last_seen is None  # never seen online again: no date is made up
    assert rejections(records) == [
        ("line 12", "bad date in dateadded: '2024-04-31 10:00:00'"),
        ("line 13", "line has 3 fields, expected 8 to 9"),
    ]


def test_urlhaus_reads_the_recent_dump_without_last_online() -> None:
    data = (b"# id,dateadded,url,url_status,threat,tags,urlhaus_link,reporter\n"
            b'"1","2024-04-18 10:00:00","http://x.example.com/a","online","malware_download",'
            b'"elf","https://urlhaus.abuse.ch/url/1/","someone"\n')
    (record,) = observations(parse_bytes("feed:urlhaus", data))
    assert (record.value, record.tags, record.first_seen) == (
        "http://x.example.com/a", ("elf",), utc(2024, 4, 18, 10))


def test_threatfox_maps_ioc_types_and_threat_types() -> None:
    records = parse_file("feed:threatfox", "threatfox.json")
    assert values(records) == [
        ("192.0.2.80:8080", "ip-port", "c2"), ("192.0.2.80", "ipv4", "c2"),
        ("update.example-cdn.com", "domain", "c2"),
        ("https://dl.example.net/payload.bin", "url", "malware-distribution"),
        ("a52a165a297d54aa3a93149f7ba66f00b6a200b599da12ca9b8cfc8a8954bdbf", "sha256", "payload"),
    ]
    first = observations(records)[0]
    assert first.tags == ("Cobalt Strike", "c2", "CobaltStrike")
    assert (first.ref, first.first_seen) == ("1200001", utc(2024, 4, 18, 10))
    assert rejections(records) == [
        ('$["1200005"][0]', "unsupported ioc_type 'sha3_384_hash'"),
        ('$["1200006"][0]', "bad date in first_seen_utc: '18/04/2024 10:00'"),
    ]


def test_threatfox_states_the_themes_of_its_threat_types_first() -> None:
    records = parse_file("feed:threatfox", "threatfox.json")
    assert records[0] == DocumentMeta(themes=("botnet", "malware-distribution"))
    payloads_only = parse_bytes(
        "feed:threatfox", b'{"1": [{"ioc_value": "example.com", "ioc_type": "domain", '
                          b'"threat_type": "payload_delivery"}]}')
    assert payloads_only[0] == DocumentMeta(themes=("malware-distribution",))


def test_threatfox_theme_scan_finds_threat_types_across_read_boundaries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(threatfox, "_CHUNK", 5)
    records = parse_file("feed:threatfox", "threatfox.json")
    assert records[0] == DocumentMeta(themes=("botnet", "malware-distribution"))


def test_threatfox_names_malware_by_its_malpedia_id_with_aliases() -> None:
    records = parse_file("feed:threatfox", "threatfox.json")
    cobalt = next(e for e in records if isinstance(e, EntityRecord))
    assert (cobalt.name, cobalt.ref, cobalt.aliases) == (
        "Cobalt Strike", "malware:win.cobalt_strike", ("Agentemis", "BEACON", "CobaltStrike"))
    names = [e.name for e in records if isinstance(e, EntityRecord)]
    assert names == ["Cobalt Strike", "Lumma Stealer", "SmokeLoader"]


def test_malwarebazaar_gives_every_hash_and_the_file_name_of_a_sample() -> None:
    records = parse_file("feed:malwarebazaar", "malwarebazaar.csv")
    kinds = [(r.type, r.role) for r in observations(records)]
    assert kinds == [("sha256", "payload"), ("md5", "payload"), ("sha1", "payload"),
                     ("ssdeep", "payload"), ("tlsh", "payload"), ("filename", "payload"),
                     ("sha256", "payload"), ("md5", "payload"), ("sha1", "payload"),
                     ("filename", "payload")]
    first = observations(records)[0]
    assert (first.tags, first.first_seen) == (("AgentTesla",), utc(2024, 4, 18, 11))
    assert observations(records)[5].value == "invoice.exe"
    assert observations(records)[6].tags == ()  # "n/a" signature
    assert rejections(records) == [("line 12", "line has 3 fields, expected 9 to 14")]


def test_malwarebazaar_links_only_exact_hashes_to_the_family() -> None:
    records = parse_file("feed:malwarebazaar", "malwarebazaar.csv")
    linked = [r.source_ref for r in records if isinstance(r, RelationshipRecord)]
    assert [len(ref) for ref in linked] == [64, 32, 40]
