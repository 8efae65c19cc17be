"""Type detection for untyped values: one table, first match wins."""

from __future__ import annotations

import pytest

from intelpool.observables import parse_selector
from intelpool.observables.detect import detect

ONION = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion"
XMR = ("4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5J"
       "v2684Rge")
SSDEEP = "1536:qJhDLw1yDhhzoN/e/C/O/C/a/D/I26251K06Zk/XrqqitM4NvL:qvfw1ahEVOS+Sq7IN251ikzq5tM4NvL"


@pytest.mark.parametrize(("value", "kind"), [
    ("http://example.com/a", "url"),
    ("example.com/a", "url"),
    ("192.0.2.0/24", "cidr"),
    ("2001:db8::/32", "cidr"),
    ("someone@example.com", "email"),
    ("user@host", "email"),  # stays e-mail (and is then refused: no domain)
    ("192.0.2.1", "ipv4"),
    ("300.1.1.1", "ipv4"),  # shaped like one, refused with the reason
    ("192.0.2.1:443", "ip-port"),
    ("[2001:db8::1]:443", "ip-port"),
    ("2001:db8::1", "ipv6"),
    ("[2001:db8::1]", "ipv6"),
    ("::1", "ipv6"),
    ("3::", "ipv6"),  # also an ssdeep shape, but hash parts of <= 4 characters read as IPv6
    ("::ffff:192.0.2.1", "ipv6"),
    ("fe80::1%eth0", "ipv6"),
    ("d41d8cd98f00b204e9800998ecf8427e", "md5"),
    ("da39a3ee5e6b4b0d3255bfef95601890afd80709", "sha1"),
    ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256"),
    ("a" * 128, "sha512"),
    ("T1" + "A" * 70, "tlsh"),
    (SSDEEP, "ssdeep"),
    ("example.com", "domain"),
    ("EVIL.example.com.", "domain"),
    ("svchost.exe", "filename"),  # .exe is no top-level domain
    ("Invoice.PDF", "filename"),
    ("evil.zip", "domain"),  # .zip is one
    (ONION, "hostname"),
    ("dc01.corp", "hostname"),
    ("AS64500", "asn"),
    ("asn 64500", "asn"),
    ("+49 151 23456789", "phone"),
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "eth-wallet"),
    ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "btc-wallet"),
    ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "btc-wallet"),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "btc-wallet"),
    (XMR, "xmr-wallet"),
    ("DE89370400440532013000", "iban"),
    ("DE89 3704 0044 0532 0130 00", "iban"),
    ("4111111111111111", "card-bin"),  # claimed so that it is refused as a PAN
    ("4111 1111 1111 1111", "card-bin"),
    ("telegram:@someone", "handle"),
    ("jabber:someone@example.org/res", "handle"),
    ("@someone", "handle"),  # refused: names no platform
])
def test_detection_table(value: str, kind: str) -> None:
    assert detect(value) == kind


@pytest.mark.parametrize("value", [
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",  # Base58 shape, checksum fails
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
    "DE89370400440532013001",  # IBAN shape, mod 97 fails
    "4111111111111112",  # 16 digits failing Luhn
    "64500",  # a bare number could be anything
    "hello world",
    "something",
    "just some text.",
])
def test_ambiguous_or_failing_shapes_are_not_claimed(value: str) -> None:
    assert detect(value) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("hxxp://evil[.]example[.]com", ("url", "http://evil.example.com/")),
    ("192[.]0[.]2[.]1", ("ipv4", "192.0.2.1")),
    ("someone[at]example[dot]com", ("email", "someone@example.com")),
])
def test_defanged_values_are_detected_after_refanging(
        value: str, expected: tuple[str, str]) -> None:
    assert parse_selector(value) == expected
