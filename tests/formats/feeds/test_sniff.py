"""Automatic detection: a feed with a signature is recognised; plain lists are not claimed."""

from __future__ import annotations

import pytest

from intelpool.formats.registry import SNIFF_BYTES, detect_format
from tests.formats.feeds.support import DATA


@pytest.mark.parametrize(("name", "fmt"), [
    ("feodotracker.json", "feed:feodotracker"),
    ("feodotracker.csv", "feed:feodotracker"),
    ("urlhaus.csv", "feed:urlhaus"),
    ("threatfox.json", "feed:threatfox"),
    ("malwarebazaar.csv", "feed:malwarebazaar"),
    ("phishtank.json", "feed:phishtank"),
    ("spamhaus-drop.txt", "feed:spamhaus-drop"),
    ("spamhaus-drop.jsonl", "feed:spamhaus-drop"),
    ("spamhaus-asndrop.txt", "feed:spamhaus-asndrop"),
    ("spamhaus-asndrop.jsonl", "feed:spamhaus-asndrop"),
    ("bambenek-c2ip.txt", "feed:bambenek-c2ip"),
    ("bambenek-c2dns.txt", "feed:bambenek-c2dns"),
    ("bambenek-dga.txt", "feed:bambenek-dga"),
    ("spamhaus-cert.txt", "feed:spamhaus-cert"),
    ("dshield.txt", "feed:dshield-block"),
    ("dataplane.txt", "feed:dataplane"),
    ("cymru-cap.txt", "feed:cymru-cap"),
    ("shadowserver-sinkhole.csv", "feed:shadowserver-sinkhole"),
    ("certeu.csv", "feed:certeu"),
    ("microsoft-ctip.json", "feed:microsoft-ctip"),
    ("microsoft-bingmurls.json", "feed:microsoft-bingmurls"),
])
def test_a_feed_with_a_signature_is_recognised(name: str, fmt: str) -> None:
    head = (DATA / name).read_bytes()[:SNIFF_BYTES]
    assert detect_format(head).name == fmt


@pytest.mark.parametrize("name", ["openphish.txt", "blocklistde.txt"])
def test_a_plain_list_is_left_to_the_generic_importers(name: str) -> None:
    head = (DATA / name).read_bytes()[:SNIFF_BYTES]
    assert not detect_format(head).name.startswith("feed:")
