"""Attacker and scanner lists: blocklist.de, DShield, dataplane.org (parsers only)."""

from __future__ import annotations

from intelpool.formats.records import DocumentMeta
from tests.formats.feeds.support import (
    observations,
    parse_bytes,
    parse_file,
    rejections,
    utc,
    values,
)


def test_blocklistde_gives_attacker_addresses_of_both_families() -> None:
    records = parse_file("feed:blocklistde", "blocklistde.txt")
    assert values(records) == [
        ("192.0.2.4", "ipv4", "attacker"), ("198.51.100.34", "ipv4", "attacker"),
        ("2001:db8::34", "ipv6", "attacker"), ("203.0.113.999", "ipv4", "attacker"),
    ]


def test_dshield_turns_start_and_prefix_length_into_a_cidr() -> None:
    records = parse_file("feed:dshield-block", "dshield.txt")
    assert values(records) == [("192.0.2.0/24", "cidr", "scanner"),
                               ("198.51.100.0/24", "cidr", "scanner")]
    assert [r.comment for r in observations(records)] == [
        "788 targets scanned; Example Net, JP", "585 targets scanned"]
    assert rejections(records) == [("line 24", "netblock 'x24' is not a prefix length"),
                                   ("line 25", "line has 1 field, expected 3 to 7")]


def test_dataplane_reads_fields_from_both_ends_around_an_as_name_with_pipes() -> None:
    records = parse_file("feed:dataplane", "dataplane.txt")
    assert records[0] == DocumentMeta(themes=("intrusion",))
    assert values(records) == [("192.0.2.61", "ipv4", "attacker"),
                               ("198.51.100.62", "ipv4", "attacker"),
                               ("203.0.113.63", "ipv4", "attacker")]
    third = observations(records)[2]
    assert third.comment == "announced by AS64501 TEST-AS company | With | pipe"
    assert (third.last_seen, third.tags) == (utc(2024, 4, 18, 11), ("sshpwauth",))
    assert observations(records)[1].comment is None  # ASN "NA": not routed
    assert rejections(records) == [("line 10", "line has 3 fields, expected 5"),
                                   ("line 11", "bad date in lastseen: '2024-04-18 25:00:00'")]


def test_dataplane_category_decides_role_and_theme() -> None:
    data = (b"# DataPlane.org\n"
            b"1  |  A  |  192.0.2.1  |  2024-04-18 10:00:00  |  sshclient\n"
            b"1  |  A  |  192.0.2.2  |  2024-04-18 10:00:00  |  smtpdata\n")
    records = parse_bytes("feed:dataplane", data)
    assert records[0] == DocumentMeta(themes=("intrusion", "other"))
    assert values(records) == [("192.0.2.1", "ipv4", "scanner"), ("192.0.2.2", "ipv4", "spam")]
