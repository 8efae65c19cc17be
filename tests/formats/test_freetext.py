"""Free-text importer: selectors picked out of prose, refanged, with their line numbers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from intelpool.access.handling import HandlingRequest
from intelpool.db.tables import observables, observations
from intelpool.formats import freetext
from intelpool.formats.records import ImportOptions, ObservationRecord, Rejection
from intelpool.formats.registry import importers
from intelpool.pool import ingest
from tests import factories as f
from tests.conftest import Store

DATA = Path(__file__).parent.parent / "data" / "freetext"


def found(line: str) -> list[tuple[str, str]]:
    return [(str(kind), value) for kind, value in freetext.extract(line)]


def test_defanged_url_is_refanged_and_swallows_its_host() -> None:
    assert found("C2: hxxps://evil[.]example[.]com/gate.php?id=1.") == [
        ("url", "https://evil.example.com/gate.php?id=1")]


def test_email_swallows_its_domain() -> None:
    assert found("from billing[@]invoice(.)example(.)com today") == [
        ("email", "billing@invoice.example.com")]
    assert found("reply to helpdesk[at]mailbox[dot]example.biz") == [
        ("email", "helpdesk@mailbox.example.biz")]
    assert found("or to sales [at] evil [.] example [.] com") == [
        ("email", "sales@evil.example.com")]


@pytest.mark.parametrize(("line", "value"), [
    ("(http://cdn.example.org/p.bin)", "http://cdn.example.org/p.bin"),
    ("<https://a.example.net/x>,", "https://a.example.net/x"),
    ('"http://b.example.net/y";', "http://b.example.net/y"),
    ("[http://c.example.net/z].", "http://c.example.net/z"),
    ("see http://w.example.org/wiki/Foo_(bar) now", "http://w.example.org/wiki/Foo_(bar)"),
])
def test_trailing_punctuation_is_not_part_of_a_url(line: str, value: str) -> None:
    assert found(line) == [("url", value)]


def test_other_defanged_schemes() -> None:
    assert found("get hXXp://a.example.org/x and fxp://b.example.org/y") == [
        ("url", "http://a.example.org/x"), ("url", "ftp://b.example.org/y")]


def test_host_with_a_path_is_a_url_without_scheme() -> None:
    assert found("visit www.fake-shop.example.com/checkout, then 192.0.2.9/x.php.") == [
        ("url", "www.fake-shop.example.com/checkout"), ("url", "192.0.2.9/x.php")]


def test_addresses_ports_and_networks() -> None:
    line = "beacons to 198.51.100.14:8443, scans from 203.0.113.0/24 and [2001:db8::2]:443"
    assert found(line) == [("ipv4", "198.51.100.14"), ("cidr", "203.0.113.0/24"),
                           ("ipv6", "2001:db8::2")]
    assert found("v6 net 2001:db8::/32 and host 2001:db8:4::17.") == [
        ("cidr", "2001:db8::/32"), ("ipv6", "2001:db8:4::17")]


@pytest.mark.parametrize("line", [
    "meeting at 10:30:00 sharp",
    "MAC 00:1a:2b:3c:4d:5e on the switch",
    "client version 10.4.2.1.3 and build v1.2.3.4",
    "Exploited: CVE-2023-23397 via Outlook",
    "e.g. this, i.e. that, Mr.Smith and config.json",
    "partial hash 0123456789abcdef0123 and 33 hex d41d8cd98f00b204e9800998ecf8427ea",
])
def test_prose_that_only_resembles_selectors_gives_nothing(line: str) -> None:
    assert found(line) == []


def test_domains_need_a_plausible_top_level_domain() -> None:
    assert found("c2[.]bad-infra[.]ru, login.example.xyz and shop.example.tokyo") == [
        ("domain", "c2.bad-infra.ru"), ("domain", "login.example.xyz"),
        ("domain", "shop.example.tokyo")]
    assert found("the file.name or the end.result") == []


def test_executable_and_document_names_are_filenames_not_domains() -> None:
    line = "dropped invoice.pdf.exe, report_2024.docm and update.zip (not a .zip domain)"
    assert found(line) == [("filename", "invoice.pdf.exe"), ("filename", "report_2024.docm"),
                           ("filename", "update.zip")]


def test_hashes_by_length() -> None:
    md5, sha1 = "d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709"
    sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    sha512 = "cf83" + "e1" * 62
    assert found(f"{md5}, {sha1.upper()} {sha256}; {sha512}") == [
        ("md5", md5), ("sha1", sha1.upper()), ("sha256", sha256), ("sha512", sha512)]


def test_hash_named_file_gives_the_hash() -> None:
    md5 = "d41d8cd98f00b204e9800998ecf8427e"
    assert found(f"sample {md5}.exe") == [("md5", md5)]


def test_wallets_and_ibans() -> None:
    line = ("pay DE89 3704 0044 0532 0130 00 THIS WEEK, or GB82WEST12345698765432; "
            "BTC 1BoatSLRHtKNngkdXEeobR76b53LETtpyT bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq "
            "ETH 0x52908400098527886E0F7030069857D2E4169EE7")
    assert found(line) == [
        ("iban", "DE89370400440532013000"), ("iban", "GB82WEST12345698765432"),
        ("btc-wallet", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
        ("btc-wallet", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
        ("eth-wallet", "0x52908400098527886E0F7030069857D2E4169EE7")]


def test_invalid_candidates_still_come_out_for_the_ingest_service_to_judge() -> None:
    assert found("relay 999.12.1.4 seen") == [("ipv4", "999.12.1.4")]


def test_records_carry_line_numbers() -> None:
    stream = io.BytesIO(b"nothing here\n\nfirst 192.0.2.1 and evil.example.com\n"
                        b"then \xff\xfe garbage and 192.0.2.2\n")
    records = list(freetext.parse(stream, ImportOptions()))
    got = [r for r in records if isinstance(r, ObservationRecord)]
    assert len(got) == len(records)
    assert [(r.location, r.type, r.value) for r in got] == [
        ("line 3", "ipv4", "192.0.2.1"), ("line 3", "domain", "evil.example.com"),
        ("line 4", "ipv4", "192.0.2.2")]


def test_never_chosen_automatically() -> None:
    assert importers()["freetext"].sniff is None


def test_report_submitted_as_freetext(store: Store) -> None:
    seen: list[Rejection] = []
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        sub = ingest.Submission(path=DATA / "report.txt", format="freetext",
                                handling=HandlingRequest(tlp="green"))
        summary = ingest.submit(conn, de, sub, on_rejection=seen.append)
        stored = {tuple(r) for r in conn.execute(
            select(observables.c.type, observables.c.value)
            .join(observations, observations.c.observable_id == observables.c.id)
            .where(observations.c.contribution_id == summary.contribution_id)
        )}
    assert {
        ("email", "billing@invoice-portal.example.com"),
        ("url", "https://secure-login.example.net/auth/index.php?session=42"),
        ("ipv4", "198.51.100.14"), ("domain", "c2.bad-infra.ru"),
        ("url", "http://cdn.example.org/payload.bin"), ("cidr", "203.0.113.0/24"),
        ("ipv6", "2001:db8:4::17"), ("md5", "d41d8cd98f00b204e9800998ecf8427e"),
        ("sha256", "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"),
    } <= stored
    assert not any(kind == "domain" and "example.net" in value for kind, value in stored)
    assert ("line 15", "999.12.1.4") in [(r.location, r.value) for r in seen]


def test_email_body_submitted_end_to_end(store: Store) -> None:
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        summary = f.submit_file(conn, de, DATA / "email.txt", fmt="freetext")
        stored = {tuple(r) for r in conn.execute(
            select(observables.c.type, observables.c.value)
            .join(observations, observations.c.observable_id == observables.c.id)
            .where(observations.c.contribution_id == summary.contribution_id)
        )}
    assert stored == {
        ("email", "alerts@cert.example.org"), ("email", "analysts@police.example"),
        ("email", "ceo-office@spoofed-corp.example.com"),
        ("email", "helpdesk@mailbox.example.biz"), ("url", "http://198.51.100.99/a.php"),
        ("url", "http://www.fake-shop.example.com/checkout")}
    assert summary.rejected == 0
