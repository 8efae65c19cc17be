"""Spamhaus DROP, EDROP and ASN-DROP in text and JSON-lines form (parsers only)."""

from __future__ import annotations

from tests.formats.feeds.support import observations, parse_bytes, parse_file, rejections, values


def test_drop_text_gives_hijacked_netblocks_with_their_sbl_id() -> None:
    records = parse_file("feed:spamhaus-drop", "spamhaus-drop.txt")
    assert values(records) == [
        ("192.0.2.0/24", "cidr", "hijacked-netblock"),
        ("198.51.100.0/25", "cidr", "hijacked-netblock"),
        ("2001:db8:1000::/36", "cidr", "hijacked-netblock"),
    ]
    first = observations(records)[0]
    assert (first.ref, first.tags) == ("SBL100001", ("SBL100001",))
    assert rejections(records) == [("line 8", "line has 3 fields, expected 1 to 2")]


def test_drop_json_lines_skip_the_metadata_line() -> None:
    records = parse_file("feed:spamhaus-drop", "spamhaus-drop.jsonl")
    assert values(records) == [
        ("192.0.2.0/24", "cidr", "hijacked-netblock"),
        ("2001:db8:1000::/36", "cidr", "hijacked-netblock"),
    ]
    ((location, reason),) = rejections(records)
    assert location == "line 3"
    assert reason.startswith("not valid JSON")


def test_edrop_reads_like_drop() -> None:
    data = b"; Spamhaus EDROP List 2024/04/18\n203.0.113.0/24 ; SBL100009\n"
    assert values(parse_bytes("feed:spamhaus-drop", data)) == [
        ("203.0.113.0/24", "cidr", "hijacked-netblock")]


def test_asndrop_text_gives_rogue_asns_with_name_and_country() -> None:
    records = parse_file("feed:spamhaus-asndrop", "spamhaus-asndrop.txt")
    assert values(records) == [("AS64500", "asn", "rogue-asn"), ("AS64501", "asn", "rogue-asn")]
    assert [r.comment for r in observations(records)] == [
        "EXAMPLE-HOSTING - Example Hosting GmbH, DE", "Example Networks"]
    assert rejections(records) == [("line 7", "line is not 'ASnnn ; CC | NAME'")]


def test_asndrop_json_lines() -> None:
    records = parse_file("feed:spamhaus-asndrop", "spamhaus-asndrop.jsonl")
    assert values(records) == [("AS64500", "asn", "rogue-asn"), ("AS64502", "asn", "rogue-asn")]
    assert observations(records)[0].comment == "EXAMPLE-HOSTING, DE, hosting.example"
    assert rejections(records) == [("line 3", "line is not a JSON object")]
