"""Microsoft CTIP and BingMURLs feeds as Interflow delivers them (parsers only)."""

from __future__ import annotations

from intelpool.access.handling import TLP
from tests.formats.feeds.support import observations, parse_file, rejections, utc, values


def test_ctip_gives_the_infected_hosts_with_their_botnet() -> None:
    records = parse_file("feed:microsoft-ctip", "microsoft-ctip.json")
    assert values(records) == [("192.0.2.41", "ipv4", "botnet-member"),
                               ("2001:db8::42", "ipv6", "botnet-member")]
    host = observations(records)[0]
    assert host.tags == ("Conficker",)
    assert host.first_seen == utc(2026, 11, 14, 9, 38, 46)
    # The sinkhole is named once, in the comment; the junk host name is not kept.
    assert host.comment == ("Host is a member of Botnet Conficker; announced by AS64496; "
                            "connected to 198.51.100.45 port 80; Microsoft confidence 100")
    assert rejections(records) == [
        ("$[2]", "entry has no networksourceipv4 or networksourceipv6"),
        ("$[3]", "unknown TLP label 'Purple': use clear, green, amber, amber+strict or red"),
        ("$[4]", "entry is not a JSON object"),
    ]


def test_each_entry_keeps_its_own_tlp() -> None:
    first, second = observations(parse_file("feed:microsoft-ctip", "microsoft-ctip.json"))
    assert first.marking is not None and first.marking.tlp is TLP.GREEN
    assert second.marking is not None and second.marking.tlp is TLP.AMBER


def test_bingmurls_gives_the_url_and_the_address_it_was_hosted_on() -> None:
    records = parse_file("feed:microsoft-bingmurls", "microsoft-bingmurls.json")
    assert values(records) == [("http://malicious.example.org/dropper.html", "url",
                                "malicious-url"),
                               ("198.51.100.124", "ipv4", "hosting"),
                               ("http://second.example.net/", "url", "malicious-url")]
    url, address, _second = observations(records)
    assert url.tags == ("MaliciousUrl", "de")
    assert (url.first_seen, url.last_seen) == (utc(2026, 11, 10, 7), utc(2026, 11, 12, 7))
    assert url.marking is not None and url.marking.tlp is TLP.AMBER
    assert address.comment == "address of http://malicious.example.org/dropper.html"
    assert address.marking is url.marking
    assert rejections(records) == [("$[2]", "Tags is not a list"),
                                   ("$[3]", "entry has no Url")]
