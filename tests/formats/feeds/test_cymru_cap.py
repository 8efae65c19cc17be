"""Team Cymru CAP reports, new and old layout (parsers only)."""

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


def test_category_decides_role_and_notes_give_family_host_name_and_url() -> None:
    records = parse_file("feed:cymru-cap", "cymru-cap.txt")
    assert values(records) == [
        ("192.0.2.71", "ipv4", "botnet-member"),
        ("192.0.2.72", "ipv4", "c2"), ("c2.example.net", "domain", "c2"),
        ("198.51.100.73", "ipv4", "attacker"),
        ("203.0.113.74", "ipv4", "phishing"), ("http://login.example.org/bank/", "url", "phishing"),
        ("203.0.113.75", "ipv4", "open-resolver"),
    ]
    bot = observations(records)[0]
    assert bot.tags == ("bot", "Conficker")
    assert bot.first_seen == bot.last_seen == utc(2024, 4, 17, 11, 18, 52)
    assert bot.comment == "announced by AS64500 Example AS Name, DE"
    assert observations(records)[4].comment is None  # AS 0: unknown origin
    assert rejections(records) == [
        ("line 9", "bad date in timestamp: '2024-04-17 99:00:00'"),
        ("line 10", "line has 3 fields, expected 6"),
    ]


def test_themes_of_the_categories_come_first() -> None:
    records = parse_file("feed:cymru-cap", "cymru-cap.txt")
    assert records[0] == DocumentMeta(themes=("botnet", "intrusion", "online-fraud", "other"))


def test_old_layout_reads_mwtype_and_single_malware_reports() -> None:
    data = (b"# Format: report|ip|asn|timestamp|comments|asn_name\n"
            b"bots|192.0.2.5|64500|2017-10-31 10:00:05|srcport 1337 mwtype Conficker "
            b"destaddr 192.0.2.6|Example AS\n"
            b"mydoom|192.0.2.7|64500|2017-10-31 10:00:06||Example AS\n"
            b"unheard-of|192.0.2.8|64500|2017-10-31 10:00:07||Example AS\n")
    records = parse_bytes("feed:cymru-cap", data)
    assert records[0] == DocumentMeta(themes=("botnet", "other"))
    assert [(r.role, r.tags) for r in observations(records)] == [
        ("botnet-member", ("bots", "Conficker")),
        ("botnet-member", ("mydoom",)),
        (None, ("unheard-of",)),
    ]
