"""An e-mail message as a partner saved it (``.eml``: RFC 5322 headers and MIME parts).

A bank or CERT reporting a phishing or fraud e-mail submits the message itself. What it
yields:

- the sender addresses: ``From`` (role ``sender``), ``Reply-To`` (``reply-to``),
  ``Return-Path`` (``return-path``), and ``X-Originating-IP`` (``sending-ip``) when the sending
  webmail stated it;
- the selectors in every text part, plain or HTML (link targets included), decoded from
  base64 or quoted-printable and picked out as the ``freetext`` importer does; the
  recipients' own addresses (``To``, ``Cc``, ``Delivered-To``) are left out wherever they
  appear: they are the victims', not the sender's;
- each attachment's file name, SHA-256 and MD5 (role ``attachment``).

``Received`` headers are not read: most of their hops are the receiving side's own mail
servers, which must not become selectors. A report forwarded *as an attachment* carries the
reported message as a ``message/rfc822`` part: then only the attached messages are read, since
the carrier's headers and text are the reporter's own. The subject becomes the contribution's
title when none was given. A message is read whole (messages are small); a file with no
``From``, ``To`` or ``Subject`` header is refused as not an e-mail message.

A mailbox (mbox: messages after ``From `` separator lines) is read one message at a time;
locations start with ``message N``, and a message without those headers is one rejection.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser
from typing import IO

from intelpool.errors import InvalidInput
from intelpool.formats.freetext import text_records
from intelpool.formats.records import (
    DocumentMeta,
    ImportOptions,
    ObservationRecord,
    Record,
    Rejection,
)
from intelpool.formats.registry import importer

_SENDERS = (("from", "sender"), ("reply-to", "reply-to"), ("return-path", "return-path"))
_NEEDED = ("from", "to", "subject")
_RECIPIENTS = ("to", "cc", "delivered-to")
_HEADER_LINE = re.compile(rb"[A-Za-z][A-Za-z0-9-]*:[ \t]")  # used with match()
_KNOWN = (b"received:", b"from:", b"to:", b"subject:", b"date:", b"message-id:",
          b"mime-version:", b"return-path:")
_IP_HEADER = re.compile(r"\[?([0-9A-Fa-f:.]+)\]?")


def _sniff(head: bytes) -> float:
    """Sure when the file opens with header lines, several of them an e-mail's own."""
    top = head.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    if top.startswith(b"From "):  # an mbox file's separator line
        top = top.partition(b"\n")[2]
    if not _HEADER_LINE.match(top):
        return 0.0
    names = {line.split(b":", 1)[0].lower() + b":" for line in top.splitlines()
             if _HEADER_LINE.match(line)}
    return 0.7 if len(names.intersection(_KNOWN)) >= 3 else 0.0


@importer("email", "an e-mail message (.eml) or a mailbox (mbox): senders, the selectors in "
          "the text, attachments", sniff=_sniff)
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    if stream.read(5) == b"From ":
        stream.seek(0)
        yield from _mailbox(stream)
        return
    stream.seek(0)
    message = _parsed(stream.read())
    if message is None:
        raise InvalidInput(f"not an e-mail message: {_NO_HEADERS}")
    reported, attached = _reported(message)
    yield DocumentMeta(title=_header(reported[0], "subject") or None)
    for number, reported_message in enumerate(reported, start=1):
        yield from _message(reported_message, f"attached message {number}, " if attached else "")


_NO_HEADERS = "it has no From, To or Subject header"
_MBOX_QUOTED = re.compile(rb"^>+From ")


def _mailbox(stream: IO[bytes]) -> Iterator[Record]:
    """Every message of an mbox file, one at a time; the file's name stays its title."""
    yield DocumentMeta()
    for number, raw in enumerate(_mbox_messages(stream), start=1):
        message = _parsed(raw)
        if message is None:
            yield Rejection(f"message {number}", "", f"not an e-mail message: {_NO_HEADERS}")
            continue
        reported, attached = _reported(message)
        for inner, reported_message in enumerate(reported, start=1):
            where = f"message {number}, " + (f"attached message {inner}, " if attached else "")
            yield from _message(reported_message, where)


def _mbox_messages(stream: IO[bytes]) -> Iterator[bytes]:
    """The raw messages of an mbox file: each starts after a ``From `` separator line."""
    lines: list[bytes] = []
    for line in stream:
        if line.startswith(b"From "):
            if lines:
                yield b"".join(lines)
            lines = []
        else:
            # mboxrd quoting: a body line that began with "From " was stored as ">From ".
            lines.append(line[1:] if _MBOX_QUOTED.match(line) else line)
    if lines:
        yield b"".join(lines)


def _parsed(raw: bytes) -> Message | None:
    """The message in ``raw``, or None when it has none of the headers every e-mail has."""
    # compat32 keeps headers as the text they are: the structured header classes of the newer
    # policies fail with a traceback on some damaged headers.
    message = BytesParser(policy=policy.compat32).parsebytes(raw)
    return message if any(_header(message, h) for h in _NEEDED) else None


def _reported(message: Message) -> tuple[list[Message], bool]:
    """The messages a report is about: those attached to it, else the message itself."""
    attached = [part for part in message.walk()
                if part.get_content_type() == "message/rfc822" and part is not message]
    inner = [each for part in attached for each in _inner_messages(part)]
    return (inner, True) if inner else ([message], False)


def _inner_messages(part: Message) -> Iterator[Message]:
    payload = part.get_payload()
    for inner in payload if isinstance(payload, list) else ():
        if isinstance(inner, Message):
            yield inner


def _header(message: Message, name: str) -> str:
    """A header's text, RFC 2047 encoded words decoded where they can be."""
    raw = message.get(name)
    return "" if raw is None else _decoded(str(raw))


def _decoded(text: str) -> str:
    try:
        return str(make_header(decode_header(text))).strip()
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return text.strip()


def _message(message: Message, where: str) -> Iterator[Record]:
    recipients = {address.lower() for _display, address in
                  getaddresses([_header(message, name) for name in _RECIPIENTS])}
    for name, role in _SENDERS:
        for _display, address in getaddresses([_header(message, name)]):
            if "@" in address:
                yield ObservationRecord(value=address, location=f"{where}header {name}",
                                        type="email", role=role)
    origin = _IP_HEADER.fullmatch(_header(message, "x-originating-ip"))
    if origin:
        yield ObservationRecord(value=origin.group(1), location=f"{where}header "
                                "x-originating-ip", role="sending-ip")
    for index, part in enumerate(message.walk()):
        if part.is_multipart() or part.get_content_type() == "message/rfc822":
            continue
        if part.get_filename() or part.get_content_disposition() == "attachment":
            yield from _attachment(part, f"{where}attachment {index}")
        elif part.get_content_maintype() == "text":
            yield from _text(part, f"{where}part {index}", recipients)


def _text(part: Message, where: str, recipients: set[str]) -> Iterator[Record]:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    try:
        text = data.decode(part.get_content_charset() or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        text = data.decode("utf-8", errors="replace")
    if part.get_content_subtype() == "html":
        text = _html_text(text)
    seen: set[tuple[str | None, str]] = set()
    for record in text_records(text, where):
        if (record.type, record.value) not in seen and record.value.lower() not in recipients:
            seen.add((record.type, record.value))
            yield record


class _HtmlText(HTMLParser):
    """The text of an HTML part, with link and image targets on lines of their own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.lines.append(value)

    def handle_data(self, data: str) -> None:
        self.lines.append(data)


def _html_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.lines)


def _attachment(part: Message, where: str) -> Iterator[Record]:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    name = _decoded(part.get_filename() or "")
    shown = f"attachment {name!r}" if name else "an attachment without a name"
    if name:
        yield ObservationRecord(value=name, location=where, type="filename", role="attachment")
    if data:
        for kind, digest in (("sha256", hashlib.sha256(data)), ("md5", hashlib.md5(data))):
            yield ObservationRecord(value=digest.hexdigest(), location=where, type=kind,
                                    role="attachment", comment=shown)
