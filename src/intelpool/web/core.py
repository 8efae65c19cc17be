"""What every page shares: the signed-in viewer, CSRF checks, one transaction, rendering.

Pages hold no logic: they read the request, call services inside ``viewer.transaction()``
and render a template. Errors from services become an error page with the service's words.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool

from intelpool.access import Permission, Principal
from intelpool.errors import Forbidden, IntelpoolError, InvalidInput, NotFound, NotSupported
from intelpool.partners import sign_in

SESSION_COOKIE = "intelpool_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


@dataclass(frozen=True, slots=True)
class NavLink:
    label: str
    path: str
    permission: str | None = None  # shown only to viewers holding it


class SignInRequired(Exception):
    """No valid session: the browser goes to the sign-in page."""


class CsrfRefused(Exception):
    """A state-changing request without the session's CSRF token."""


@dataclass(frozen=True, slots=True)
class Viewer:
    principal: Principal
    csrf_token: str
    engine: Engine

    def can(self, permission: str) -> bool:
        return Permission(permission) in self.principal.permissions

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction for the page's service calls: a failure leaves the pool as it was."""
        with self.engine.begin() as conn:
            yield conn


def _load_session(engine: Engine, secret: str) -> sign_in.SessionState | None:
    with engine.begin() as conn:
        return sign_in.session_state(conn, secret)


async def current_viewer(request: Request) -> Viewer:
    engine: Engine = request.app.state.engine
    secret = request.cookies.get(SESSION_COOKIE)
    state = await run_in_threadpool(_load_session, engine, secret) if secret else None
    if state is None:
        raise SignInRequired()
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER)
        if sent is None:
            form = await request.form()
            field = form.get(CSRF_FIELD)
            sent = field if isinstance(field, str) else None
        if not sent or not secrets.compare_digest(sent, state.csrf_token):
            raise CsrfRefused()
    viewer = Viewer(state.principal, state.csrf_token, engine)
    request.state.viewer = viewer  # so an error page still shows the viewer's navigation
    return viewer


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]

_STATUS = {Forbidden: 403, NotFound: 404, InvalidInput: 422, NotSupported: 501}


class PageRoute(APIRoute):
    """A page route: sign-in redirects, CSRF refusals and service errors as HTML pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                target = "/sign-in?" + urlencode({"next": _local_path(request)})
                if request.headers.get("HX-Request"):
                    return Response(status_code=401, headers={"HX-Redirect": target})
                return RedirectResponse(target, status_code=303)
            except CsrfRefused:
                return error_page(request, 403, "This form has expired or did not come from "
                                               "intelpool: reload the page and try again.")
            except IntelpoolError as exc:
                code = next((v for k, v in _STATUS.items() if isinstance(exc, k)), 400)
                return error_page(request, code, str(exc))

        return page


def _local_path(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query and request.method == "GET" else ""
    return request.url.path + query if request.method == "GET" else "/"


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    viewer = getattr(request.state, "viewer", None)
    return render(request, viewer, "error.html", {"status": status, "message": message},
                  status=status)


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(request: Request, viewer: Viewer | None, template: str, context: dict[str, Any],
           status: int = 200) -> HTMLResponse:
    from intelpool.web.badges import TITLES, nav_counts
    from intelpool.web.mount import navigation

    nav = navigation(viewer) if viewer is not None else []

    def counts() -> dict[str, int]:  # called by the full page's navigation, not fragments
        if viewer is None or status >= 400:
            return {}
        return nav_counts(viewer)

    return templates.TemplateResponse(
        request, template, {"viewer": viewer, "nav": nav, "path": request.url.path,
                            "nav_counts": counts, "count_titles": TITLES, **context},
        status_code=status)


def safe_next(target: str | None) -> str:
    """Only a path on this site, never another site, after signing in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _fmt_time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _query(params: dict[str, Any], **changes: Any) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "", False)}
    return "?" + urlencode(merged)


templates.env.filters["time"] = _fmt_time
templates.env.filters["urlq"] = lambda value: quote(str(value), safe="")
templates.env.globals["query"] = _query
templates.env.globals["CSRF_FIELD"] = CSRF_FIELD
