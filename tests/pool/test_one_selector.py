"""One selector, one observable: the same selector carried by every format that can carry
it becomes one (type, canonical value) in the pool, on every store."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy import select

from intelpool.db.tables import observables
from tests import factories as f
from tests.conftest import Store

ONION = "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion"
_STAMP = "2024-03-01T10:00:00.000Z"


def _sco(kind: str, number: int, **props: object) -> dict[str, object]:
    return {"type": kind, "spec_version": "2.1",
            "id": f"{kind}--00000000-0000-4000-8000-{number:012d}", **props}


def _stix(*objects: dict[str, object]) -> bytes:
    bundle = {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000001",
              "objects": list(objects)}
    return orjson.dumps(bundle)


def _indicator(pattern: str) -> dict[str, object]:
    return {"type": "indicator", "spec_version": "2.1",
            "id": "indicator--00000000-0000-4000-8000-000000000011", "created": _STAMP,
            "modified": _STAMP, "pattern": pattern, "pattern_type": "stix",
            "valid_from": _STAMP}


def _misp(misp_type: str, value: str) -> bytes:
    event = {"Event": {"info": "one selector", "date": "2024-03-02", "threat_level_id": "3",
                       "uuid": "0d0d0d0d-0000-4000-8000-000000000000",
                       "Attribute": [{"uuid": "d0d0d0d0-0000-4000-8000-000000000000",
                                      "type": misp_type, "category": "Network activity",
                                      "value": value, "to_ids": True}]}}
    return orjson.dumps(event)


def _csv(column: str, value: str) -> bytes:
    return f"{column},comment\n{value},seen\n".encode()


# (expected observable, [(format, file name, content), ...]): every carrier of one selector.
CASES: dict[str, tuple[tuple[str, str], list[tuple[str, str, bytes]]]] = {
    "onion service": (("hostname", ONION), [
        ("text", "l.txt", f"{ONION}\n".encode()),
        ("csv", "host.csv", _csv("host", ONION)),
        ("csv", "hostname.csv", _csv("hostname", ONION)),
        ("csv", "domain.csv", _csv("domain", ONION)),
        ("freetext", "r.txt", f"The shop moved to {ONION} last week.\n".encode()),
        ("stix", "b.json", _stix(_sco("domain-name", 2, value=ONION))),
        ("misp", "onion.json", _misp("onion-address", ONION)),
        ("misp", "hostname.json", _misp("hostname", ONION)),
        ("misp", "domain.json", _misp("domain", ONION)),
    ]),
    "domain written as a host name": (("domain", "www.shop-example.com"), [
        ("text", "l.txt", b"WWW.Shop-Example.com.\n"),
        ("csv", "host.csv", _csv("host", "www.shop-example.com")),
        ("csv", "hostname.csv", _csv("hostname", "www.shop-example.com")),
        ("csv", "fqdn.csv", _csv("fqdn", "www.shop-example.com")),
        ("freetext", "r.txt", b"Payments went through www[.]shop-example[.]com, then.\n"),
        ("stix", "b.json", _stix(_sco("domain-name", 3, value="www.shop-example.com"))),
        ("misp", "hostname.json", _misp("hostname", "www.shop-example.com")),
        ("misp", "domain.json", _misp("domain", "www.shop-example.com")),
    ]),
    "IPv6 in its forms": (("ipv6", "2001:db8::1"), [
        ("text", "l.txt", b"2001:DB8:0:0:0:0:0:1\n"),
        ("csv", "ip.csv", _csv("ip", "[2001:db8::1]")),
        ("freetext", "r.txt", b"The panel answered on 2001:db8:0::1 twice.\n"),
        ("stix", "b.json", _stix(_sco("ipv6-addr", 4, value="2001:db8::1/128"))),
        ("misp", "ip.json", _misp("ip-dst", "2001:0db8::0001")),
    ]),
    "IPv4 as IPv6 or one-address block": (("ipv4", "198.51.100.23"), [
        ("text", "l.txt", b"::ffff:198.51.100.23\n"),
        ("csv", "cidr.csv", _csv("cidr", "198.51.100.23/32")),
        ("freetext", "r.txt", b"Beacons to 198.51.100.23 every minute.\n"),
        ("stix", "b.json", _stix(_sco("ipv4-addr", 5, value="198.51.100.23/32"))),
        ("misp", "ip.json", _misp("ip-dst", "::ffff:198.51.100.23")),
        ("feed:blocklistde", "all.txt", b"198.51.100.23\n"),
    ]),
    "address with a port": (("ip-port", "198.51.100.7:8443"), [
        ("text", "l.txt", b"198.51.100.7:8443\n"),
        ("csv", "ip.csv", _csv("ip", "198.51.100.7:8443")),
        ("stix", "b.json", _stix(_indicator(
            "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = "
            "'198.51.100.7' AND network-traffic:dst_port = 8443]"))),
        ("misp", "ip.json", _misp("ip-dst|port", "[::ffff:198.51.100.7]|8443")),
    ]),
    "e-mail address in any case": (("email", "fraud.desk@example.com"), [
        ("text", "l.txt", b"Fraud.Desk@Example.COM\n"),
        ("csv", "email.csv", _csv("email", "FRAUD.DESK@example.com")),
        ("freetext", "r.txt", b"Write to fraud.desk[at]example[.]com for refunds.\n"),
        ("stix", "b.json", _stix(_sco("email-addr", 8, value="Fraud.Desk@example.com"))),
        ("misp", "email.json", _misp("email-src", "fraud.desk@EXAMPLE.com")),
    ]),
    "URL with its default port": (("url", "https://login.example.com/a"), [
        ("text", "l.txt", b"HTTPS://Login.Example.com:443/a\n"),
        ("csv", "url.csv", _csv("url", "https://login.example.com:443/a#top")),
        ("freetext", "r.txt", b"The kit sits at hxxps://login.example[.]com:443/a today.\n"),
        ("stix", "b.json", _stix(_sco("url", 9, value="https://LOGIN.example.com/a"))),
        ("misp", "url.json", _misp("url", "https://login.example.com:443/a")),
        ("feed:openphish", "feed.txt", b"https://Login.Example.com:443/a\n"),
    ]),
    "forum handle": (("handle", "exploit.in:ByteTrader53"), [
        ("text", "l.txt", b"exploit.in:ByteTrader53\n"),
        ("csv", "handle.csv", _csv("handle", "Exploit.in:@ByteTrader53")),
        ("stix", "b.json", _stix(_sco("user-account", 10, account_type="exploit.in",
                                      account_login="ByteTrader53"))),
    ]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_selector_is_one_observable_whatever_format_carries_it(
        store: Store, tmp_path: Path, case: str) -> None:
    expected, carriers = CASES[case]
    with store.begin() as conn:
        analyst = f.member(conn, "Police DE")
        for number, (fmt, name, content) in enumerate(carriers):
            path = tmp_path / f"{number}-{name}"
            path.write_bytes(content)
            summary = f.submit_file(conn, analyst, path, fmt=fmt)
            assert summary.accepted >= 1 and summary.rejected == 0, (fmt, name)
        stored = conn.execute(select(observables.c.type, observables.c.value)).all()
    assert [tuple(row) for row in stored] == [expected]
