"""Shadowserver sinkhole reports (parsers only)."""

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


def test_each_line_is_the_infected_client_tagged_with_its_infection() -> None:
    records = parse_file("feed:shadowserver-sinkhole", "shadowserver-sinkhole.csv")
    assert values(records) == [("192.0.2.91", "ipv4", "sinkhole-hit"),
                               ("2001:db8::92", "ipv6", "sinkhole-hit")]
    first, second = observations(records)
    assert first.first_seen == first.last_seen == utc(2024, 4, 18, 0, 0, 1)
    assert first.tags == ("andromeda",)
    assert first.comment == "connected to sinkhole 198.51.100.1:80"
    assert second.tags == ("necurs", "ddos", "spam")
    assert second.comment == "connected to sinkhole [2001:db8:ffff::1]:443"
    assert rejections(records) == [("line 4", "bad date in timestamp: '18.04.2024 00:10'"),
                                   ("line 5", "line has 4 fields, expected 30")]


def test_older_reports_name_the_client_column_ip() -> None:
    data = (b'"timestamp","ip","port","asn","geo","infection","family","tag"\n'
            b'"2024-04-18 01:00:00","192.0.2.9",1025,64500,"DE","sinkhole","conficker",""\n')
    records = parse_bytes("feed:shadowserver-sinkhole", data)
    assert values(records) == [("192.0.2.9", "ipv4", "sinkhole-hit")]
    assert observations(records)[0].tags == ("sinkhole", "conficker")


def test_a_report_without_infection_column_is_not_a_sinkhole_report() -> None:
    data = b'"timestamp","ip","protocol","port","hostname","tag"\n'
    with pytest.raises(InvalidInput, match="has no column 'infection'"):
        parse_bytes("feed:shadowserver-sinkhole", data)
