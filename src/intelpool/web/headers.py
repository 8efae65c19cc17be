"""Security headers on every page, and the server's time on every response (ASGI middleware).

A plain ASGI wrapper of ``send``, not ``@app.middleware("http")``: that runs each request in a
task of its own behind memory streams, a cost every API call paid for two headers.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")

_PAGE = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
         (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY")]
_NAMES = {name for name, _ in _PAGE} | {b"cache-control", b"server-timing"}


class SecurityHeaders:
    """Pages (not /api/) get the security headers and, outside /static/, no caching; every
    response tells its server time (Server-Timing), for the browser's tools and for
    measuring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        path: str = scope["path"]
        added = [] if path.startswith("/api/") else list(_PAGE)
        if added and not path.startswith("/static/"):
            added.append((b"cache-control", b"no-store"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                taken = (time.perf_counter() - began) * 1000
                names = {name for name, _ in added} | {b"server-timing"}
                kept = [(k, v) for k, v in message.get("headers", [])
                        if k.lower() not in names]
                message = {**message, "headers": [
                    *kept, *added, (b"server-timing", f"app;dur={taken:.1f}".encode())]}
            await send(message)

        await self.app(scope, receive, with_headers)
