"""E-mail messages (.eml): senders, selectors in the decoded text, attachments, no victims."""

from __future__ import annotations

import hashlib
import io
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from intelpool.db.tables import contributions, observables, observations
from intelpool.errors import InvalidInput
from intelpool.formats.records import (
    DocumentMeta,
    ImportOptions,
    ObservationRecord,
    Record,
    Rejection,
)
from intelpool.formats.registry import SNIFF_BYTES, detect_format, get_importer
from tests import factories as f
from tests.conftest import Store

DATA = Path(__file__).parents[1] / "data" / "email"


def _read(name: str) -> list[Record]:
    with (DATA / name).open("rb") as stream:
        return list(get_importer("email").parse(stream, ImportOptions()))


def _selectors(records: list[Record]) -> dict[str, tuple[str | None, str]]:
    """value -> (role, location) of every observation."""
    return {r.value: (r.role, r.location) for r in records if isinstance(r, ObservationRecord)}


def test_senders_come_from_their_headers_and_received_hops_are_not_read() -> None:
    found = _selectors(_read("phishing.eml"))
    assert found["security@examp1e-bank.example.com"] == ("sender", "header from")
    assert found["recovery.desk@freemail.example.org"] == ("reply-to", "header reply-to")
    assert found["bounce@mailer.example.net"] == ("return-path", "header return-path")
    assert found["203.0.113.77"] == ("sending-ip", "header x-originating-ip")
    # The Received hops name the receiving side's own servers.
    assert not {"192.0.2.25", "198.51.100.99", "mx.bank.example"} & set(found)


def test_text_and_html_parts_are_decoded_and_links_read() -> None:
    found = _selectors(_read("phishing.eml"))
    # Quoted-printable, defanged in the text: refanged and joined across the soft line break.
    assert "https://secure-login.example-verify.com/auth?u=j.doe@bank.example" in found
    # Base64 HTML: the link target and the image source.
    assert "https://secure-login.example-verify.com/auth?id=7" in found
    assert "http://tracker.example-verify.com/p.gif" in found
    assert found["help@examp1e-bank.example.com"][0] is None


def test_the_recipient_is_never_a_selector() -> None:
    found = _selectors(_read("phishing.eml"))
    assert "j.doe@bank.example" not in found


def test_an_attachment_gives_its_name_and_hashes() -> None:
    records = _read("phishing.eml")
    attached = [r for r in records if isinstance(r, ObservationRecord) and r.role == "attachment"]
    data = b"PK\x03\x04 not really a zip, but bytes to hash"
    assert [(r.type, r.value) for r in attached] == [
        ("filename", "invoice_2026.zip"), ("sha256", hashlib.sha256(data).hexdigest()),
        ("md5", hashlib.md5(data).hexdigest())]


def test_a_report_forwarded_as_attachment_reads_only_the_reported_message() -> None:
    records = _read("forwarded.eml")
    meta = records[0]
    assert isinstance(meta, DocumentMeta) and meta.title == "Your parcel is waiting"
    assert _selectors(records) == {
        "notify@parcel-track.example.net": ("sender", "attached message 1, header from"),
        "http://parcel-fee.example.org/pay": (None, "attached message 1, part 0 line 1"),
    }  # nothing of the reporter's own: not clerk@bank.example, not www.bank.example


def test_a_file_without_mail_headers_is_refused_whole() -> None:
    with pytest.raises(InvalidInput, match="not an e-mail message"):
        list(get_importer("email").parse(io.BytesIO(b"just a line of text\n"), ImportOptions()))


@pytest.mark.parametrize(("head", "fmt"), [
    ((DATA / "phishing.eml").read_bytes(), "email"),
    (b"From sender@example.net Mon Nov 16 07:59:50 2026\n" + (DATA / "forwarded.eml")
     .read_bytes(), "email"),
])
def test_a_message_is_recognised_by_its_headers(head: bytes, fmt: str) -> None:
    assert detect_format(head[:SNIFF_BYTES]).name == fmt


def test_header_like_lines_that_are_not_mail_headers_are_not_taken_for_a_message() -> None:
    head = b"url: http://a.example/x\nhost: b.example\nip: 192.0.2.1\n"
    assert detect_format(head).name != "email"


def test_a_message_is_stored_under_its_subject(store: Store) -> None:
    with store.begin() as conn:
        bank = f.member(conn, "Bank Example", kind="private", role="contributor")
        summary = f.submit_file(conn, bank, DATA / "phishing.eml")
        title = conn.execute(select(contributions.c.title).where(
            contributions.c.id == summary.contribution_id)).scalar_one()
        stored = dict(conn.execute(
            select(observables.c.value, observations.c.role)
            .join(observations, observations.c.observable_id == observables.c.id)
            .where(observations.c.contribution_id == summary.contribution_id)).all())
    assert summary.format == "email" and summary.rejected == 0
    assert title == "Urgent: verify your account"
    assert stored["security@examp1e-bank.example.com"] == "sender"
    assert stored["invoice_2026.zip"] == "attachment"
    assert "j.doe@bank.example" not in stored


def test_encoded_subjects_and_file_names_are_decoded() -> None:
    message = EmailMessage()
    message["From"] = "zahlung@bank-sicherheit.example.net"
    message["To"] = "kunde@example.de"
    message["Subject"] = "Überweisung bestätigen"
    message.set_content("Bitte bestätigen: https://bank-sicherheit.example.net/login\n")
    message.add_attachment(b"%PDF-1.7", maintype="application", subtype="pdf",
                           filename="Rechnung_März.pdf")
    records = list(get_importer("email").parse(io.BytesIO(message.as_bytes()),
                                               ImportOptions()))
    assert b"=?utf-8?" in message.as_bytes()  # the subject travels as an encoded word
    meta = records[0]
    assert isinstance(meta, DocumentMeta) and meta.title == "Überweisung bestätigen"
    assert _selectors(records)["Rechnung_März.pdf"][0] == "attachment"


def test_a_mailbox_is_read_message_by_message() -> None:
    mbox = (b"From reporter@bank.example Mon Nov 16 09:00:00 2026\n"
            + (DATA / "phishing.eml").read_bytes()
            + b"\nFrom reporter@bank.example Mon Nov 16 09:05:00 2026\n"
            + (DATA / "forwarded.eml").read_bytes()
            + b"\nFrom reporter@bank.example Mon Nov 16 09:10:00 2026\n"
            + b"no headers here, only text\n")
    records = list(get_importer("email").parse(io.BytesIO(mbox), ImportOptions()))
    meta = records[0]
    assert isinstance(meta, DocumentMeta) and meta.title is None  # the file's name stays
    found = _selectors(records)
    assert found["security@examp1e-bank.example.com"] == ("sender", "message 1, header from")
    assert found["notify@parcel-track.example.net"] == (
        "sender", "message 2, attached message 1, header from")
    assert "clerk@bank.example" not in found
    assert [(r.location, r.reason) for r in records if isinstance(r, Rejection)] == [
        ("message 3", "not an e-mail message: it has no From, To or Subject header")]
