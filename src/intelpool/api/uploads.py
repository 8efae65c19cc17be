"""Request bodies to files: a multipart ``file`` part or a raw body, spooled to disk in
chunks (the body limit middleware stops it past the configured size)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fastapi import Request
from starlette.datastructures import UploadFile

from intelpool.api.errors import ApiError

_CHUNK = 1 << 20

# The OpenAPI request body of a route whose body is a file.
FILE_BODY = {"requestBody": {
    "required": True,
    "description": "The file: the raw body, or a multipart/form-data part named `file`.",
    "content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary"}}}}}}}


async def spool(request: Request, directory: Path | None) -> tuple[Path, str | None]:
    """The body as a temporary file (the caller deletes it) and the uploaded file name."""
    fd, name = tempfile.mkstemp(prefix="intelpool-upload-", dir=directory)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            filename = await _copy(request, out)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, filename


async def _copy(request: Request, out: object) -> str | None:
    write = out.write  # type: ignore[attr-defined]
    if request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        # python-multipart spools file parts over 1 MiB to disk; we copy them in chunks.
        async with request.form(max_files=1, max_fields=10) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise ApiError(400, "bad_request",
                               "a multipart submission needs its file in a part named 'file'")
            while chunk := await upload.read(_CHUNK):
                write(chunk)
            return upload.filename
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        write(chunk)
    if size == 0:
        raise ApiError(400, "bad_request", "the request body is empty: send the file as the "
                       "body or as a multipart part named 'file'")
    return None
