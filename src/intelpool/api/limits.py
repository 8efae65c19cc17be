"""The upload limit, applied to every request body as it streams in (ASGI middleware)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from intelpool.api.errors import ApiError


def too_large(limit: int) -> ApiError:
    return ApiError(413, "payload_too_large",
                    f"the request body is larger than this server accepts ({limit:,} bytes)",
                    details={"limit_bytes": limit})


class BodyLimit:
    """Refuse a body over ``limit`` bytes: at once when Content-Length says so, else as soon
    as the streamed bytes pass it (the route sees an ApiError 413, never the whole body)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await _refuse(send, too_large(self.limit))
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise too_large(self.limit)
            return message

        await self.app(scope, counted, send)


async def _refuse(send: Send, error: ApiError) -> None:
    body: dict[str, Any] = {"error": {"code": error.code, "message": error.message,
                                      "details": error.details}}
    data = orjson.dumps(body)
    await send({"type": "http.response.start", "status": error.status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": data})
