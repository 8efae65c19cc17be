"""Signing in (e-mail and password, or an API token) and out."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from intelpool.errors import Forbidden, NotFound
from intelpool.partners import sign_in
from intelpool.web.core import (
    SESSION_COOKIE,
    CurrentViewer,
    NavLink,
    PageRoute,
    error_page,
    render,
    safe_next,
)

router = APIRouter(route_class=PageRoute)
NAV: list[NavLink] = []
# Before a session exists, the sign-in form's CSRF token is a cookie the form repeats.
SIGN_IN_CSRF_COOKIE = "intelpool_sign_in"


@router.get("/sign-in", include_in_schema=False)
def sign_in_form(request: Request, next: str = "/") -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render(request, None, "sign_in.html", {"next": safe_next(next), "csrf": token,
                                                      "error": None})
    _cookie(request, response, SIGN_IN_CSRF_COOKIE, token, 3600)
    return response


@router.post("/sign-in", include_in_schema=False)
async def sign_in_submit(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(SIGN_IN_CSRF_COOKIE)
    if not expected or not csrf or not secrets.compare_digest(csrf, expected):
        return error_page(request, 403, "This sign-in form has expired: reload the page and "
                                        "try again.")
    limiter = request.app.state.sign_in_limiter
    client = request.client.host if request.client else "?"
    account = email or "token"
    if limiter.blocked(account, client):
        return _again(request, csrf, next, "Too many failed sign-ins: wait 15 minutes.", 429)
    try:
        opened = await run_in_threadpool(_open, request, email, password, token)
    except (Forbidden, NotFound):
        limiter.failed(account, client)
        return _again(request, csrf, next, "Wrong e-mail or password, or an invalid token.",
                      401)
    limiter.succeeded(account)
    response = RedirectResponse(safe_next(next), status_code=303)
    _cookie(request, response, SESSION_COOKIE, opened.secret,
            sign_in.SESSION_HOURS * 3600)
    response.delete_cookie(SIGN_IN_CSRF_COOKIE, path="/")
    return response


def _open(request: Request, email: str, password: str, token: str) -> sign_in.OpenedSession:
    with request.app.state.engine.begin() as conn:
        if token.strip():
            return sign_in.sign_in_with_token(conn, token)
        return sign_in.sign_in_with_password(conn, email, password)


def _again(request: Request, csrf: str, next: str, error: str, status: int) -> HTMLResponse:
    return render(request, None, "sign_in.html",
                  {"next": safe_next(next), "csrf": csrf, "error": error}, status=status)


@router.post("/sign-out", include_in_schema=False)
def sign_out(request: Request, viewer: CurrentViewer) -> Response:
    with viewer.transaction() as conn:
        sign_in.sign_out(conn, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")
