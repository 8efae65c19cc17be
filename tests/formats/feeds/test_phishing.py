"""Phishing feeds: OpenPhish and PhishTank (parsers only)."""

from __future__ import annotations

import pytest

from intelpool.errors import InvalidInput
from tests.formats.feeds.support import (
    observations,
    parse_bytes,
    parse_file,
    rejections,
    utc,
    values,
)


def test_openphish_gives_one_phishing_url_per_line() -> None:
    records = parse_file("feed:openphish", "openphish.txt")
    assert values(records) == [
        ("https://login.example-bank.com.example.net/secure/", "url", "phishing"),
        ("http://paypal.account-verify.example.org/signin", "url", "phishing"),
        # Not a valid URL: the ingest service rejects it, the parser passes it on.
        ("http://www..broken.example/phish", "url", "phishing"),
    ]
    assert rejections(records) == [("line 4", "not valid UTF-8")]


def test_phishtank_gives_the_url_and_the_addresses_it_resolved_to() -> None:
    records = parse_file("feed:phishtank", "phishtank.json")
    assert values(records) == [
        ("https://secure-login.example.com/bank/", "url", "phishing"),
        ("192.0.2.150", "ipv4", "hosting"),
        ("https://shop-verify.example.org/account", "url", "phishing"),
        ("198.51.100.20", "ipv4", "hosting"),
        ("2001:db8::20", "ipv6", "hosting"),
    ]
    url = observations(records)[0]
    assert (url.ref, url.tags) == ("9000001", ("Example Bank",))
    assert (url.first_seen, url.last_seen) == (utc(2024, 4, 18, 10), utc(2024, 4, 18, 10, 5))
    # Submission times with an offset are turned into UTC.
    assert observations(records)[2].first_seen == utc(2024, 4, 18, 7)


def test_phishtank_drops_the_no_target_placeholder_only() -> None:
    records = parse_file("feed:phishtank", "phishtank.json")
    assert [r.tags for r in observations(records)] == [
        ("Example Bank",), ("Example Bank",), (), (), ()]


def test_phishtank_rejects_entries_without_url_or_with_a_bad_date() -> None:
    records = parse_file("feed:phishtank", "phishtank.json")
    assert rejections(records) == [
        ("$[2]", "entry has no url"),
        ("$[3]", "bad date in submission_time: '2024-13-01T00:00:00+00:00'"),
    ]


def test_phishtank_refuses_a_file_that_is_not_a_json_list() -> None:
    with pytest.raises(InvalidInput, match="not a PhishTank file"):
        parse_bytes("feed:phishtank", b'{"phish_id": "1"}')
