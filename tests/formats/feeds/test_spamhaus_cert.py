"""Spamhaus CERT feed (parser only): bots and abusing hosts, what they connected to."""

from __future__ import annotations

from intelpool.formats.records import DocumentMeta
from tests.formats.feeds.support import observations, parse_file, rejections, utc, values


def test_each_host_gets_the_role_its_bot_name_stands_for() -> None:
    records = parse_file("feed:spamhaus-cert", "spamhaus-cert.txt")
    assert values(records) == [
        ("192.0.2.10", "ipv4", "botnet-member"),  # a malware family: the host is a bot
        ("192.0.2.11", "ipv4", "botnet-member"),
        ("192.0.2.12", "ipv4", "attacker"),  # ssh brute force
        ("192.0.2.13", "ipv4", "proxy"),
        ("192.0.2.14", "ipv4", "spam"),
        ("http://spam-link.example/offer", "url", "spam-link"),
        ("192.0.2.15", "ipv4", "spam"),
        ("192.0.2.18", "ipv4", "proxy"),
    ]
    bot = observations(records)[1]
    assert bot.tags == ("patcher",)
    assert bot.first_seen == bot.last_seen == utc(2026, 11, 16, 8, 1)
    assert rejections(records) == [("line 24", "bad date in lastseen: 'not-a-time'"),
                                   ("line 25", "line has 5 fields, expected 10 to 32"),
                                   ("line 26", "line has no address")]


def test_what_the_host_connected_to_is_a_comment_not_a_selector() -> None:
    by_value = {o.value: o for o in observations(
        parse_file("feed:spamhaus-cert", "spamhaus-cert.txt"))}
    assert by_value["192.0.2.11"].comment == (
        "announced by AS64500 (DE); connected to sink.example.net at 198.51.100.20:80/tcp")
    assert by_value["192.0.2.10"].comment == "announced by AS64500 (DE)"
    # An address and port in the domain field is not repeated; an unknown ASN is left out.
    assert by_value["192.0.2.13"].comment == "located in DE; connected to 198.51.100.30:8080/tcp"
    assert by_value["192.0.2.18"].comment == (
        "announced by AS64502 (AT); connected to 198.51.100.31:3128")
    assert "198.51.100.20" not in by_value and "sink.example.net" not in by_value


def test_a_spam_link_names_the_spam_software() -> None:
    by_value = {o.value: o for o in observations(
        parse_file("feed:spamhaus-cert", "spamhaus-cert.txt"))}
    link = by_value["http://spam-link.example/offer"]
    assert link.tags == ("l_spamlink", "darkmailer2")
    assert link.comment == "in spam sent by 192.0.2.14"
    assert by_value["192.0.2.14"].tags == ("l_spamlink", "darkmailer2")


def test_the_file_themes_follow_its_bot_names() -> None:
    meta = parse_file("feed:spamhaus-cert", "spamhaus-cert.txt")[0]
    assert isinstance(meta, DocumentMeta)
    assert set(meta.themes) == {"botnet", "intrusion", "other", "online-fraud"}
