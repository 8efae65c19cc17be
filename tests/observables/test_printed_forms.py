"""Whatever the pool prints as a selector is read back as the same selector, untyped."""

from __future__ import annotations

import pytest

from intelpool.observables import ObservableType as T
from intelpool.observables import parse_selector, search_candidates
from intelpool.observables.parse import FREE_TEXT_TYPES
from intelpool.observables.registry import CANONICALISERS

# A stated (type, value) of every type, as a partner's file might give it.
SAMPLES: dict[str, list[str]] = {
    T.IPV4: ["198.51.100.7"], T.IPV6: ["2001:DB8::1"], T.CIDR: ["10.1.2.3/8", "2001:db8::/32"],
    T.IP_PORT: ["198.51.100.7:443", "[2001:db8::1]:8443"], T.ASN: ["asn 64500"],
    T.DOMAIN: ["WWW.Example.com"],
    T.HOSTNAME: ["printer", "files.corp",
                 "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion"],
    T.URL: ["HTTP://Example.com:80/a?b=c", "http://2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4"
            "xyclen53wid.onion/shop"],
    T.EMAIL: ["Mule.Account@Example.org"],
    T.MD5: ["D41D8CD98F00B204E9800998ECF8427E"],
    T.SHA1: ["da39a3ee5e6b4b0d3255bfef95601890afd80709"],
    T.SHA256: ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    T.SHA512: ["cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0"
               "ff8318d2877eec2f63b931bd47417a81a538327af927da3e"],
    T.SSDEEP: ["3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"],
    T.TLSH: ["t1" + "a" * 70], T.JA3: ["e7d705a3286e19ea42f587b344ee6865"],
    T.X509_FINGERPRINT: ["SHA1 Fingerprint=DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8"
                         ":07:09"],
    T.FILENAME: ["C:\\Users\\x\\invoice.pdf.exe"], T.MUTEX: ["Global\\qazwsx"],
    T.USER_AGENT: ["Mozilla/5.0  (Windows NT 10.0)"],
    T.BTC_WALLET: ["1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"],
    T.ETH_WALLET: ["0x52908400098527886E0F7030069857D2E4169EE7"],
    T.XMR_WALLET: ["44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2"
                   "VBBEt7f2wfn3RVGQBEP3A"],
    T.IBAN: ["de89 3704 0044 0532 0130 00"], T.BIC: ["deutdeffxxx"], T.CARD_BIN: ["4111 11"],
    T.PHONE: ["+49 (0)151 2345 6789"],
    T.HANDLE: ["exploit.in:ByteTrader53", "telegram:@Some_Seller", "jabber:X@Jabber.example/tab",
               "xss.is:Night Owl", "unix:root"],
}


def test_every_type_has_samples() -> None:
    assert set(SAMPLES) == set(CANONICALISERS)


@pytest.mark.parametrize(("kind", "value"), [(k, v) for k, vs in SAMPLES.items() for v in vs])
def test_the_printed_form_is_found_as_printed(kind: str, value: str) -> None:
    printed = parse_selector(value, kind)
    if kind in FREE_TEXT_TYPES and printed[0] in FREE_TEXT_TYPES:
        # Free text (any word could be a mutex): searched by naming the type.
        assert parse_selector(printed[1], printed[0]) == printed
        return
    assert printed in search_candidates(printed[1])


@pytest.mark.parametrize(("kind", "value"), [
    (k, v) for k, vs in SAMPLES.items() for v in vs
    if k not in (T.JA3, T.X509_FINGERPRINT, T.BIC, T.CARD_BIN, T.MUTEX, T.USER_AGENT)
    and v != "printer"])
def test_the_printed_form_detects_back_to_itself(kind: str, value: str) -> None:
    """Types with a shape of their own are detected as printed, without any help."""
    printed = parse_selector(value, kind)
    assert parse_selector(printed[1]) == printed


@pytest.mark.parametrize("text", ["example.com:8080", "10:30", "Note: see below", "???"])
def test_colons_in_prose_are_not_handles(text: str) -> None:
    with pytest.raises(Exception, match="not"):
        search_candidates(text)
