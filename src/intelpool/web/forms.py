"""Reading form fields the way the command line reads its options: times in UTC, lists one a
line, uploads saved to a private temporary file."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from fastapi import UploadFile

from intelpool.errors import InvalidInput
from intelpool.times import utc_time

MAX_UPLOAD_BYTES = 512 * 1024 * 1024


def when(text: str, field: str) -> datetime | None:
    """A date or ISO 8601 time (a browser's datetime-local value), UTC unless it says."""
    text = text.strip()
    return utc_time(text, field) if text else None


def lines(text: str) -> list[str]:
    """One value a line, blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


@contextmanager
def saved_upload(file: UploadFile) -> Iterator[Path]:
    """The upload in a private temporary file; its own name is never used as a path."""
    with tempfile.TemporaryDirectory(prefix="intelpool-upload-") as tmp:
        path = Path(tmp) / "upload"
        size = 0
        with path.open("wb") as out:
            while chunk := file.file.read(1 << 20):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise InvalidInput(f"the file is larger than {MAX_UPLOAD_BYTES >> 20} MiB: "
                                       "submit it with the command line")
                out.write(chunk)
        if size == 0:
            raise InvalidInput("choose a file to submit (it is empty or missing)")
        yield path
