"""Who calls, and what the route needs: every route declares one Permission (or PUBLIC).

A route takes its caller as ``caller: Annotated[Principal, requires(Permission.X)]``; the
dependency authenticates the token (Bearer, or Basic with the user's e-mail and a token as
password, as TAXII clients speak), applies the token's rate limit and checks the permission
before the route runs. ``declared_permission`` reads the declaration back, so a test can fail
on any route that has none.
"""

from __future__ import annotations

import base64
import binascii
import math
import threading
import time
from collections.abc import Callable
from typing import Any, Final

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from intelpool.access import Permission, Principal, require
from intelpool.db.engine import one_read
from intelpool.errors import Forbidden
from intelpool.partners.identity import hash_token, principal_for_token

PUBLIC: Final = "public"
_MARK = "__intelpool_permission__"
_bearer = HTTPBearer(auto_error=False, description="An intelpool API token "
                     "(`intelpool token create`).")


class RateLimiter:
    """A token bucket per API token: ``per_minute`` requests, refilled continuously."""

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(max(1, per_minute))
        self.refill = self.capacity / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.refill)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.refill


def _secret(request: Request, credentials: HTTPAuthorizationCredentials | None
            ) -> tuple[str | None, str]:
    """(the Basic user name, if any; the token)."""
    from intelpool.api.errors import ApiError

    challenge = {"WWW-Authenticate": 'Bearer, Basic realm="intelpool"'}
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            user, sep, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user, sep, password = "", "", ""
        if sep and password:
            return user, password
    elif credentials is not None and credentials.credentials:
        return None, credentials.credentials
    raise ApiError(401, "unauthorized", "an API token is required (Bearer, or Basic with "
                   "your e-mail and a token as password)", headers=challenge)


def authenticate(request: Request, credentials: HTTPAuthorizationCredentials | None
                 ) -> Principal:
    """The principal behind the request's token, after its rate limit."""
    from intelpool.api.errors import ApiError

    user, secret = _secret(request, credentials)
    engine: Engine = request.app.state.engine
    try:
        with one_read(engine) as conn:
            principal = principal_for_token(conn, secret)
        if user is not None and user.strip().lower() != principal.email:
            raise Forbidden("invalid token")  # a token is only good with its own user's name
    except Forbidden as exc:
        raise ApiError(401, "unauthorized", str(exc),
                       headers={"WWW-Authenticate": 'Bearer, Basic realm="intelpool"'}) from None
    limiter: RateLimiter = request.app.state.rate_limiter
    wait = limiter.take(hash_token(secret))
    if wait > 0:
        raise ApiError(429, "rate_limited", "too many requests for this token: slow down",
                       headers={"Retry-After": str(math.ceil(wait))},
                       details={"retry_after_seconds": math.ceil(wait)})
    return principal


def requires(permission: Permission) -> Any:
    """A dependency giving the authenticated caller, who must hold ``permission``."""

    def caller(request: Request, credentials: HTTPAuthorizationCredentials | None =
               Depends(_bearer)) -> Principal:
        principal = authenticate(request, credentials)
        require(principal, permission)
        return principal

    setattr(caller, _MARK, permission)
    return Depends(caller)


def public() -> Any:
    """A dependency for a route anyone may call (health, discovery); declares PUBLIC."""

    async def anyone() -> None:
        return None

    setattr(anyone, _MARK, PUBLIC)
    return Depends(anyone)


def declared_permission(call: Callable[..., Any] | None) -> Permission | str | None:
    return getattr(call, _MARK, None) if call is not None else None


def route_permissions(app: Any) -> list[tuple[str, str, Permission | str | None]]:
    """(methods, path, declared permission) of every API route of ``app``; None where the
    route declares nothing (a test fails on those)."""
    from fastapi.routing import APIRoute

    try:
        from fastapi.routing import iter_route_contexts
        routes = [(ctx.original_route, ctx.path) for ctx in iter_route_contexts(app.routes)]
    except ImportError:  # FastAPI before route contexts
        routes = [(r, getattr(r, "path", "")) for r in app.routes]
    found: list[tuple[str, str, Permission | str | None]] = []
    for route, path in routes:
        # Web pages answer for themselves (sign-in, then the services' own checks).
        if not isinstance(route, APIRoute) or not str(path).startswith(("/api/", "/taxii2")):
            continue
        pending, declared = list(route.dependant.dependencies), None
        while pending and declared is None:
            dep = pending.pop()
            declared = declared_permission(dep.call)
            pending.extend(dep.dependencies)
        found.append((",".join(sorted(route.methods or ())), str(path), declared))
    return found
