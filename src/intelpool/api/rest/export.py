"""Export: what the caller may see, in a partner format with its markings, as a download."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from intelpool.api.deps import AppSettings, Conn, Reader
from intelpool.formats import registry
from intelpool.pool.export import ExportRequest, export

router = APIRouter(tags=["export"])

_FILE = {200: {"description": "The export file (Content-Disposition: attachment).",
               "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                   "format": "binary"}}}}}


@router.get("/export", response_class=FileResponse, responses=_FILE)  # type: ignore[arg-type]
def export_file(
    conn: Conn, caller: Reader, settings: AppSettings,
    format: str = Query(..., description="stix, misp, csv or blocklist."),
    type: str | None = Query(None, description="Only this observable type (required for "
                                               "blocklist)."),
    theme: list[str] | None = Query(None, description="Only contributions with this theme; "
                                                      "repeat."),
    since: datetime | None = Query(None, description="Only contributions received on or "
                                                     "after this time (ISO 8601; UTC unless "
                                                     "it says otherwise)."),
) -> FileResponse:
    """Export what you may see, as `intelpool export` does.

    The export is written to disk first and then streamed, so a failure answers with an
    error rather than a truncated file, and memory stays flat whatever its size."""
    exporter = registry.get_exporter(format)
    request = ExportRequest(format=format, observable_type=type, themes=tuple(theme or []),
                            since=since if since is None or since.tzinfo
                            else since.replace(tzinfo=UTC))
    fd, name = tempfile.mkstemp(prefix="intelpool-export-", dir=settings.api_upload_dir)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            export(conn, caller, request, out)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return FileResponse(path, media_type=exporter.media_type,
                        filename=f"intelpool-{format}-{stamp}.{exporter.extension}",
                        background=BackgroundTask(path.unlink, missing_ok=True))
