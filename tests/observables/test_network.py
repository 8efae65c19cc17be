"""IP addresses, blocks, endpoints, AS numbers, domains and host names."""

from __future__ import annotations

import pytest

from intelpool.observables import InvalidObservable, parse_selector


def canonical(value: str, kind: str) -> str:
    return parse_selector(value, kind)[1]


@pytest.mark.parametrize(("value", "expected"), [
    ("192.0.2.1", "192.0.2.1"),
    ("  192.0.2.1 ", "192.0.2.1"),
    ("192[.]0[.]2[.]1", "192.0.2.1"),
    ("0.0.0.0", "0.0.0.0"),
    ("255.255.255.255", "255.255.255.255"),
])
def test_ipv4_canonical(value: str, expected: str) -> None:
    assert canonical(value, "ipv4") == expected


@pytest.mark.parametrize(("value", "reason"), [
    ("256.1.1.1", "a part is above 255"),
    ("010.1.1.1", "leading zeros"),
    ("1.2.3", "is not an IPv4 address"),
    ("1.2.3.4.5", "is not an IPv4 address"),
    ("example.com", "is not an IPv4 address"),
])
def test_ipv4_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "ipv4")


@pytest.mark.parametrize(("value", "expected"), [
    ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
    ("[2001:db8::1]", "2001:db8::1"),
])
def test_ipv6_canonical(value: str, expected: str) -> None:
    assert canonical(value, "ipv6") == expected


def test_ipv6_zone_index_is_refused() -> None:
    with pytest.raises(InvalidObservable, match="zone index"):
        parse_selector("fe80::1%eth0", "ipv6")


@pytest.mark.parametrize(("value", "expected"), [
    ("10.1.2.3/8", "10.0.0.0/8"),
    ("2001:db8::1/32", "2001:db8::/32"),
])
def test_cidr_clears_host_bits(value: str, expected: str) -> None:
    assert canonical(value, "cidr") == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("1.2.3.4:443", "1.2.3.4:443"),
    ("1.2.3.4:0443", "1.2.3.4:443"),
    ("[2001:DB8::1]:443", "[2001:db8::1]:443"),
    ("1[.]2[.]3[.]4[:]8080", "1.2.3.4:8080"),
])
def test_ip_port_canonical(value: str, expected: str) -> None:
    assert canonical(value, "ip-port") == expected


@pytest.mark.parametrize(("value", "reason"), [
    ("1.2.3.4:0", "port '0' is not a number from 1 to 65535"),
    ("1.2.3.4:65536", "port '65536' is not a number from 1 to 65535"),
    ("1.2.3.4:http", "port 'http'"),
    ("1.2.3.4", "has no port"),
    ("2001:db8::1:443", "needs brackets"),
    ("[2001:db8::1]", r"\[IPv6\]:port"),
    ("300.2.3.4:80", "a part is above 255"),
])
def test_ip_port_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "ip-port")


@pytest.mark.parametrize("value", ["AS64500", "as64500", "ASN 64500", "ASN64500", "64500",
                                   "AS 64500", "AS064500"])
def test_asn_spellings_share_one_form(value: str) -> None:
    assert canonical(value, "asn") == "AS64500"


def test_asn_asdot_and_four_byte() -> None:
    assert canonical("AS1.10", "asn") == "AS65546"
    assert canonical("AS4200000000", "asn") == "AS4200000000"  # private 4-byte range


@pytest.mark.parametrize(("value", "reason"), [
    ("AS0", "RFC 7607"),
    ("AS23456", "AS_TRANS"),
    ("AS65535", "RFC 7300"),
    ("AS4294967295", "RFC 7300"),
    ("AS4294967296", "larger than 32 bits"),
    ("AS1.70000", "each part <= 65535"),
    ("ASX", "is not an AS number"),
])
def test_asn_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "asn")


@pytest.mark.parametrize(("value", "expected"), [
    ("EVIL.Example.COM.", "evil.example.com"),
    ("_dmarc.example.com", "_dmarc.example.com"),
    ("bücher.example", "xn--bcher-kva.example"),
    ("evil[.]example[.]com", "evil.example.com"),
])
def test_domain_canonical(value: str, expected: str) -> None:
    assert canonical(value, "domain") == expected


@pytest.mark.parametrize(("value", "reason"), [
    ("www..example.com", "an empty label"),
    ("-bad.example.com", "bad label '-bad'"),
    ("example.c0m", "bad top-level domain 'c0m'"),
    ("igfxtray.exe", "'.exe' is a file extension, not a top-level domain"),
    ("a" * 64 + ".com", "bad label"),
    (("a" * 60 + ".") * 5 + "com", "longer than 253"),
])
def test_domain_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "domain")


# Real v3 onion services (DuckDuckGo, the Tor Project); their checksums are verified.
ONION_DDG = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion"
ONION_TOR = "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion"


@pytest.mark.parametrize(("value", "expected"), [
    ("FileServer01", "fileserver01"),
    ("dc01.corp.lan", "dc01.corp.lan"),
    ("host.example.com", "host.example.com"),
    (ONION_DDG.upper(), ONION_DDG),
    ("www." + ONION_TOR, "www." + ONION_TOR),
    ("expyuzz4wqqyqhjn.onion", "expyuzz4wqqyqhjn.onion"),  # retired v2, still in old reports
    ("stats.i2p", "stats.i2p"),
    ("example.bit", "example.bit"),
])
def test_hostname_canonical(value: str, expected: str) -> None:
    assert canonical(value, "hostname") == expected


@pytest.mark.parametrize(("value", "reason"), [
    (ONION_DDG.replace("zczad", "zczae"), "checksum mismatch"),
    ("short.onion", "56 base32 characters"),
    ("host.123", "all-numeric last label"),
    ("bad_host-", "bad label"),
])
def test_hostname_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "hostname")


def test_domain_checks_onion_names_too() -> None:
    assert canonical(ONION_DDG, "domain") == ONION_DDG
    with pytest.raises(InvalidObservable, match="checksum mismatch"):
        parse_selector(ONION_DDG.replace("zczad", "zczae"), "domain")
