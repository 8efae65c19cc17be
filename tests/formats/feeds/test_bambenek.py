"""Bambenek C2 IP and C2 domain master lists and the DGA domain feed (parsers only)."""

from __future__ import annotations

from tests.formats.feeds.support import observations, parse_file, rejections, utc, values


def test_c2ip_takes_the_families_from_the_description() -> None:
    records = parse_file("feed:bambenek-c2ip", "bambenek-c2ip.txt")
    assert values(records) == [("192.0.2.200", "ipv4", "c2"), ("198.51.100.201", "ipv4", "c2")]
    first = observations(records)[0]
    assert first.tags == ("shiotob", "urlzone", "bebloh")
    assert first.last_seen == utc(2024, 4, 18, 10, 2)
    assert observations(records)[1].tags == ("matsnu",)
    assert rejections(records) == [("line 17", "bad date in date: '2024-04-18 25:02'"),
                                   ("line 18", "line has 2 fields, expected 4")]


def test_c2dns_gives_domains() -> None:
    records = parse_file("feed:bambenek-c2dns", "bambenek-c2dns.txt")
    assert values(records) == [
        ("qkzbmwhxpbvt.example", "domain", "c2"), ("xkxdvbrcirpw.test", "domain", "c2"),
        ("bad domain.example", "domain", "c2"),  # refused later by the ingest service
    ]
    assert observations(records)[1].tags == ("banjori",)
    assert rejections(records) == [("line 18", "line has 2 fields, expected 4")]


def test_dga_feed_gives_domains_with_the_day_they_are_generated_for() -> None:
    records = parse_file("feed:bambenek-dga", "bambenek-dga.txt")
    assert values(records) == [("qwmxkbnvpzrt.example", "domain", "dga"),
                               ("hjgtrewqasdf.test", "domain", "dga"),
                               ("plokijuhygtf.example", "domain", "dga")]
    first, second, third = observations(records)
    assert first.tags == ("Cryptolocker - Flashback",)
    assert first.last_seen == utc(2026, 11, 14)
    assert second.tags == ("tinba",)
    assert third.tags == ("ramnit", "nimnul")
    assert rejections(records) == [("line 17", "bad date in date: '2026-11-31'")]
