"""MISP types, tags and taxonomies mapped to intelpool's types, markings, themes and kinds."""

from __future__ import annotations

import pytest

from intelpool.access.handling import PAP, TLP
from intelpool.formats.misp.galaxies import GALAXY_OF_KIND, kind_of
from intelpool.formats.misp.tags import loosest, read_tags, split_tag, stricter
from intelpool.formats.misp.themes_map import EXPORT_TAG, theme_of
from intelpool.formats.misp.types_map import conversion, imported_type, misp_type_for
from intelpool.formats.records import Marking
from intelpool.observables import parse_selector
from intelpool.pool.themes import Theme


@pytest.mark.parametrize(("misp_type", "value", "kind", "stored"), [
    ("ip-dst", "198.51.100.7", "ipv4", "198.51.100.7"),
    ("ip-src", "2001:DB8::1", "ipv6", "2001:db8::1"),
    ("ip-dst", "10.0.0.0/8", "cidr", "10.0.0.0/8"),
    ("hostname", "WWW.Malicious.Example", "domain", "www.malicious.example"),
    ("hostname", "fileserver01", "hostname", "fileserver01"),
    ("onion-address", "abcdefghijklmnop.onion", "hostname", "abcdefghijklmnop.onion"),
    ("email-dst", "Victim@Example.com", "email", "victim@example.com"),
    ("sha512", "a" * 128, "sha512", "a" * 128),
    ("ja3-fingerprint-md5", "e7d705a3286e19ea42f587b344ee6865", "ja3",
     "e7d705a3286e19ea42f587b344ee6865"),
    ("x509-fingerprint-sha1", "AB" * 20, "x509-fingerprint", "ab" * 20),
    ("mutex", "Global\\evil", "mutex", "Global\\evil"),
    ("xmr", "4" + "A" * 94, "xmr-wallet", None),
    ("jabber-id", "seller@jabber.example", "handle", "jabber:seller@jabber.example"),
    ("twitter-id", "@EvilCoder", "handle", "twitter:evilcoder"),
    ("bin", "412345", "card-bin", "412345"),
    ("ip-src|port", "2001:db8::1|443", "ip-port", "[2001:db8::1]:443"),
    ("AS", "AS64500", "asn", "AS64500"),
])
def test_selector_types_map_to_pool_types(misp_type: str, value: str, kind: str,
                                          stored: str | None) -> None:
    (part,) = conversion(misp_type, value).parts
    if stored is None:  # the pool refuses a wallet with a bad checksum, but the type holds
        assert part.type == kind
        return
    assert parse_selector(part.value, part.type) == (kind, stored)


@pytest.mark.parametrize(("misp_type", "reason"), [
    ("text", "MISP type 'text' is not a selector"),
    ("attachment", "MISP type 'attachment' is not a selector"),
    ("datetime", "MISP type 'datetime' is not a selector"),
    ("link", "a MISP link is a reference to a report, not a selector"),
    ("imphash", "MISP type 'imphash' has no intelpool observable type"),
    ("cc-number", "full payment card numbers are not stored: submit the BIN (MISP type 'bin')"),
])
def test_other_types_are_refused_with_a_reason(misp_type: str, reason: str) -> None:
    assert conversion(misp_type, "x").reason == reason


def test_every_exported_type_reads_back_as_itself() -> None:
    samples = {"ipv4": "198.51.100.7", "ipv6": "2001:db8::1", "cidr": "10.0.0.0/8",
               "domain": "a.example", "hostname": "srv01", "url": "http://a.example/",
               "email": "a@b.example", "md5": "a" * 32, "sha1": "a" * 40, "sha256": "a" * 64,
               "sha512": "a" * 128, "ssdeep": "3:a:b", "tlsh": "T1" + "A" * 70,
               "filename": "a.exe", "mutex": "m", "user-agent": "ua", "ja3": "a" * 32,
               "x509-fingerprint": "a" * 40, "btc-wallet": "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
               "xmr-wallet": "4" + "A" * 94, "iban": "DE89370400440532013000",
               "bic": "DEUTDEFF", "phone": "+4915123456789", "asn": "AS64500",
               "card-bin": "412345", "ip-port": "[2001:db8::1]:443",
               "handle": "github:evil-coder"}
    for kind, value in samples.items():
        found = misp_type_for(kind, value)
        assert found is not None, kind
        assert imported_type(*found) == kind, kind
    assert misp_type_for("eth-wallet", "0x" + "a" * 40) is None
    assert misp_type_for("handle", "exploit.in:seller42") is None


def test_tlp_and_pap_tags_make_a_marking() -> None:
    assert read_tags(("tlp:white",)).marking == Marking(TLP.CLEAR)
    assert read_tags(("TLP:AMBER+STRICT", "PAP:WHITE")).marking == Marking(
        TLP.AMBER_STRICT, PAP.CLEAR)
    assert read_tags(("tlp:green", "tlp:red")).marking == Marking(TLP.RED)
    chr_only = read_tags(("tlp:ex:chr",))
    assert (chr_only.marking, chr_only.kept) == (None, ["tlp:ex:chr"])


def test_markings_combine_stricter_and_common() -> None:
    event = Marking(TLP.GREEN, PAP.AMBER, frozenset({"H1"}))
    assert stricter(event, Marking(TLP.RED)) == Marking(TLP.RED, PAP.AMBER, frozenset({"H1"}))
    assert stricter(None, event) == event
    assert loosest([event, Marking(TLP.RED, PAP.GREEN, frozenset({"H1", "H2"}))]) == Marking(
        TLP.GREEN, PAP.GREEN, frozenset({"H1"}))
    assert loosest([event, None]) is None


def test_admiralty_codes_outside_the_scheme_are_problems_not_evaluations() -> None:
    read = read_tags(('admiralty-scale:source-reliability="g"',
                      'admiralty-scale:information-credibility="3"'))
    assert read.evaluation == ("admiralty", None, "3")
    assert read.problems[0][2] == "source reliability 'G' has no admiralty code in intelpool"


def test_machine_tags_split_into_namespace_predicate_value() -> None:
    assert split_tag('misp-galaxy:banker="Zeus"') == ("misp-galaxy", "banker", "Zeus")
    assert split_tag("europol-incident:fraud") == ("europol-incident", "fraud", None)
    assert split_tag("OSINT") == ("", "OSINT", None)


@pytest.mark.parametrize(("tag", "theme"), [
    ('europol-incident:malware="infection"', Theme.BOTNET),
    ('europol-incident:malware="distribution"', Theme.MALWARE_DISTRIBUTION),
    ('europol-incident:information-gathering="phishing"', Theme.ONLINE_FRAUD),
    ('europol-incident:intrusion="compromising-account"', Theme.INTRUSION),
    ("europol-event:exploit-framework-exhausting-resources", Theme.CRIME_AS_A_SERVICE),
    ("europol-event:dissemination-malware-email", Theme.MALWARE_DISTRIBUTION),
    ('rsit:malicious-code="c2-server"', Theme.BOTNET),
    ('rsit:fraud="masquerade"', Theme.ONLINE_FRAUD),
    ('ecsirt:intrusions="bot"', Theme.BOTNET),
    ('common-taxonomy:fraud="false-representation"', Theme.ONLINE_FRAUD),
])
def test_crime_classification_tags_give_themes(tag: str, theme: Theme) -> None:
    assert read_tags((tag,)).themes == [theme.value]


def test_a_test_event_has_no_theme() -> None:
    assert theme_of("rsit", "test", "test") is None


def test_every_theme_exported_reads_back_as_the_same_theme() -> None:
    for theme, tag in EXPORT_TAG.items():
        expected = [theme.value]
        assert read_tags((f'intelpool:theme="{theme.value}"',)).themes == expected
        if tag:
            assert read_tags((tag,)).themes == expected, tag


def test_galaxy_types_give_entity_kinds_and_back() -> None:
    assert [kind_of(t) for t in ("banker", "rat", "exploit-kit", "mitre-intrusion-set",
                                 "threat-actor", "intelpool-campaign", "sector")] == [
        "malware", "malware", "tool", "intrusion-set", "threat-actor", "campaign", "identity"]
    for kind, galaxy in GALAXY_OF_KIND.items():
        assert kind_of(galaxy) == kind
