"""The new observable types through a real submission, on both stores."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from intelpool.db.tables import observables
from intelpool.pool import reads
from tests import factories as f
from tests.conftest import Store

PAN = "4111111111111111"
LINES = [
    "192.0.2.10:8443",
    "AS64500",
    "DE89 3704 0044 0532 0130 00",
    "+49 151 23456789",
    "telegram:@SomeSeller",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "hxxps://evil[.]example[.]com/login",
    PAN,
    "http://example.com/" + "a" * 3000,
]


def test_untyped_lines_of_many_types_are_stored_canonical(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        summary = f.submit_lines(conn, de, tmp_path, LINES)
    assert (summary.accepted, summary.rejected) == (8, 2)
    with store.begin() as conn:
        stored = set(conn.execute(select(observables.c.type, observables.c.value)).all())
    assert stored == {
        ("ip-port", "192.0.2.10:8443"),
        ("asn", "AS64500"),
        ("iban", "DE89370400440532013000"),
        ("phone", "+4915123456789"),
        ("handle", "telegram:someseller"),
        ("btc-wallet", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
        ("eth-wallet", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
        ("url", "https://evil.example.com/login"),
    }


def test_search_finds_a_selector_in_another_spelling(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        f.submit_lines(conn, de, tmp_path, ["GB82 WEST 1234 5698 7654 32"])
        found = reads.search(conn, de, "gb82west12345698765432", "iban")
    assert [(view.type, view.value) for view in found] == [("iban", "GB82WEST12345698765432")]
