"""TAXII 2.1 media types: what a client must accept and send, and how answers are typed."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response

from intelpool.api.errors import ApiError

TAXII = "application/taxii+json;version=2.1"
_ACCEPTED = ("application/taxii+json", "application/*", "*/*")


class TaxiiResponse(Response):
    media_type = TAXII

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def _fits(value: str) -> bool:
    kind, _, params = value.strip().partition(";")
    version = next((p.split("=", 1)[1].strip() for p in params.split(";")
                    if p.strip().startswith("version=")), None)
    return kind.strip().lower() in _ACCEPTED and version in (None, "2.1")


async def accepts_taxii(request: Request) -> None:
    """406 unless the client accepts TAXII 2.1 (no Accept header means anything)."""
    accept = request.headers.get("accept")
    if accept and not any(_fits(part) for part in accept.split(",")):
        raise ApiError(406, "not_acceptable", f"this server answers {TAXII}; Accept was "
                       f"{accept!r}")


async def sends_taxii(request: Request) -> None:
    """415 unless the body is TAXII 2.1."""
    sent = request.headers.get("content-type", "")
    kind, _, params = sent.partition(";")
    if kind.strip().lower() != "application/taxii+json" or "version=2.0" in params:
        raise ApiError(415, "unsupported_media_type",
                       f"send {TAXII}; Content-Type was {sent!r}")
