"""A report as a PDF: the text of each page, with selectors picked out as ``freetext`` does.

Partners' reports (a CERT advisory, a bank's fraud analysis) often come as PDF. The text is
extracted page by page with pypdf; each selector's location is its page and line. The PDF's
own title (document information) becomes the contribution's title when none was given.

Refused whole, with the reason: a file that is not a readable PDF, one that needs a password,
and one with no text at all (a scanned report: the pool does not read images). A page whose
text cannot be extracted is one rejection; the other pages still count. Selectors split
across lines are not found, as in free text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import IO

from pypdf import PageObject, PdfReader
from pypdf.errors import PyPdfError

from intelpool.errors import InvalidInput
from intelpool.formats.freetext import text_records
from intelpool.formats.records import (
    DocumentMeta,
    ImportOptions,
    Record,
    Rejection,
)
from intelpool.formats.registry import importer

# What pypdf raises on a damaged file: its own errors and those of the structures it walks.
_DAMAGED = (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError,
            RecursionError)
# pypdf logs every oddity of a damaged file as a warning; the rejections say what matters.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def _sniff(head: bytes) -> float:
    # The header may follow up to 1 KiB of junk (PDF 1.7, annex H).
    return 0.9 if b"%PDF-" in head[:1024] else 0.0


@importer("pdf", "a report as a PDF: selectors picked out of its text", sniff=_sniff)
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    reader = _open(stream)
    yield DocumentMeta(title=_title(reader))
    text_seen = False
    for number, page in enumerate(_pages(reader), start=1):
        try:
            text = page.extract_text() or ""
        except _DAMAGED as exc:
            yield Rejection(f"page {number}", "", f"the page's text cannot be read: {exc!r}"[:300])
            continue
        text_seen = text_seen or bool(text.strip())
        yield from text_records(text, f"page {number}")
    if not text_seen:
        raise InvalidInput("the PDF holds no text (a scanned report?): intelpool reads text, "
                           "not images")


def _open(stream: IO[bytes]) -> PdfReader:
    try:
        reader = PdfReader(stream)
        # An empty user password opens a file that is only protected against editing.
        locked = reader.is_encrypted and not reader.decrypt("")
    except _DAMAGED as exc:
        raise InvalidInput(f"not a readable PDF: {exc}"[:300]) from None
    if locked:
        raise InvalidInput("the PDF is protected by a password: submit an unprotected copy")
    return reader


def _pages(reader: PdfReader) -> Iterator[PageObject]:
    """The pages; a page tree too damaged to walk refuses the file."""
    try:
        count = len(reader.pages)
    except _DAMAGED as exc:
        raise InvalidInput(f"not a readable PDF: its pages cannot be listed ({exc})"[:300]) \
            from None
    for index in range(count):
        try:
            yield reader.pages[index]
        except _DAMAGED as exc:
            raise InvalidInput(f"not a readable PDF: page {index + 1} cannot be read ({exc})"
                               [:300]) from None


def _title(reader: PdfReader) -> str | None:
    try:
        title = reader.metadata.title if reader.metadata else None
    except _DAMAGED:
        return None
    return str(title).strip() or None if title else None
