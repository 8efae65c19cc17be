"""Files made for one request (reports), answered from a spooled temporary file.

The file is written whole before the answer starts, so a failure is still an error
response, not half a download; it stays in memory up to a few MiB and moves to disk past
that, and is deleted (an unnamed temporary file, closed) once sent or when the client goes
away.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

CHUNK = 1 << 16
SPOOL_BYTES = 4 << 20  # kept in memory up to this size, then on disk


def spooled_download(write: Callable[[IO[bytes]], object], *, filename: str,
                     media_type: str, headers: dict[str, str] | None = None,
                     directory: Path | None = None) -> StreamingResponse:
    """Run ``write(file)`` in the calling thread, then stream the file as an attachment."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115  # closed when sent
        max_size=SPOOL_BYTES, dir=None if directory is None else str(directory))
    try:
        write(spool)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise

    def chunks() -> Iterator[bytes]:
        try:
            while block := spool.read(CHUNK):
                yield block
        finally:
            spool.close()

    return StreamingResponse(
        chunks(), media_type=media_type, background=BackgroundTask(spool.close),
        headers={**(headers or {}), "Content-Length": str(size),
                 "Content-Disposition": f'attachment; filename="{filename}"'})
