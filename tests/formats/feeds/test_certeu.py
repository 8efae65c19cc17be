"""CERT-EU feed (parser only)."""

from __future__ import annotations

import pytest

from intelpool.access.handling import TLP
from intelpool.errors import InvalidInput
from intelpool.formats.records import DocumentMeta, Marking
from tests.formats.feeds.support import (
    observations,
    parse_bytes,
    parse_file,
    rejections,
    utc,
    values,
)


def test_type_decides_role_and_every_selector_of_a_line_is_kept() -> None:
    records = parse_file("feed:certeu", "certeu.csv")
    assert records[0] == DocumentMeta(themes=("malware-distribution", "online-fraud"))
    assert values(records) == [
        ("192.0.2.101", "ipv4", "malware-distribution"),
        ("http://malware.example.com/dropper.exe", "url", "malware-distribution"),
        ("198.51.100.102", "ipv4", "phishing"),
        ("http://login.example.org/bank", "url", "phishing"),
        ("login.example.org", "domain", "phishing"),
    ]
    first, _, phishing, _, _ = observations(records)
    assert (first.first_seen, first.last_seen) == (utc(2024, 4, 17, 3, 13, 20),
                                                   utc(2024, 4, 18, 3, 13, 20))
    assert phishing.first_seen == phishing.last_seen == utc(2024, 4, 17, 23, 5, 41)
    assert phishing.tags == ("phishing", "Example Bank")


def test_each_line_carries_its_own_tlp() -> None:
    records = parse_file("feed:certeu", "certeu.csv")
    assert [r.marking for r in observations(records)] == (
        [Marking(tlp=TLP.AMBER)] * 2 + [Marking(tlp=TLP.GREEN)] * 3)
    assert rejections(records) == [
        ("line 4", "unknown TLP label 'purple': use clear, green, amber, amber+strict or red"),
        ("line 5", "line has 5 fields, expected 42"),
    ]


def test_a_header_without_the_needed_columns_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not a CERT-EU feed: the header line has no column"):
        parse_bytes("feed:certeu", b"feed code,source ip\nRI,192.0.2.1\n")
