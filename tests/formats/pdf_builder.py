"""Small text PDFs written byte by byte, so the tests need no PDF library of their own."""

from __future__ import annotations


def text_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A PDF whose pages show ``pages`` (lines of Latin-1 text, Helvetica), with ``title``."""
    page_ids = [4 + 2 * i for i in range(len(pages))]
    info_id = 4 + 2 * len(pages)
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: f"<< /Type /Pages /Kids [{' '.join(f'{p} 0 R' for p in page_ids)}] "
           f"/Count {len(pages)} >>".encode(),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    for page_id, lines in zip(page_ids, pages, strict=True):
        shown = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                 for line in lines]
        stream = "\n".join(["BT", "/F1 11 Tf", "14 TL", "50 780 Td",
                            *(f"({line}) Tj T*" for line in shown), "ET"]).encode("latin-1")
        objects[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font "
            f"<< /F1 3 0 R >> >> /Contents {page_id + 1} 0 R >>").encode()
        objects[page_id + 1] = (b"<< /Length %d >>\nstream\n" % len(stream) + stream
                                + b"\nendstream")
    if title is not None:
        objects[info_id] = f"<< /Title ({title}) >>".encode("latin-1")
    out = bytearray(b"%PDF-1.4\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += (b"%010d 00000 n \n" % offsets[number] if number in offsets
                else b"0000000000 65535 f \n")
    info = f" /Info {info_id} 0 R" if title is not None else ""
    out += f"trailer\n<< /Size {size} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
