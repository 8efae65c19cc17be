"""One error shape for every failure: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from intelpool.errors import (
    Conflict,
    Forbidden,
    IntelpoolError,
    InvalidInput,
    NotFound,
    NotSupported,
)


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any] = {}


class ErrorResponse(BaseModel):
    error: ErrorBody


class ApiError(Exception):
    """An HTTP-level failure (authentication, limits) raised by the request plumbing."""

    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers, self.details = headers, details or {}


TAXII_PATH = "/taxii2/"

# Most specific first: Conflict is an InvalidInput.
_DOMAIN: list[tuple[type[IntelpoolError], int, str]] = [
    (Conflict, 409, "conflict"),
    (NotFound, 404, "not_found"),
    (Forbidden, 403, "forbidden"),
    (InvalidInput, 422, "invalid_input"),
    (NotSupported, 501, "not_supported"),
]
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 409: "conflict",
               413: "payload_too_large", 415: "unsupported_media_type",
               422: "invalid_input", 429: "rate_limited"}

# Documented on every route, so clients and schema checkers know the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": code.replace("_", " ")}
    for status, code in _HTTP_CODES.items() if status not in (405, 406, 415)
}


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None,
                   request: Request | None = None) -> JSONResponse:
    if request is not None and request.url.path.startswith(TAXII_PATH):
        # TAXII clients read the specification's error message.
        taxii = {"title": code.replace("_", " "), "description": message,
                 "http_status": str(status)}
        return JSONResponse(taxii, status_code=status, headers=headers,
                            media_type="application/taxii+json;version=2.1")
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return JSONResponse(body, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(IntelpoolError)
    def _domain(_request: Request, exc: IntelpoolError) -> JSONResponse:
        status, code = next(((s, c) for kind, s, c in _DOMAIN if isinstance(exc, kind)),
                            (400, "bad_request"))
        return error_response(status, code, str(exc), request=_request)

    @app.exception_handler(ApiError)
    def _api(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers,
                              _request)

    @app.exception_handler(RequestValidationError)
    def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"location": ".".join(str(p) for p in e.get("loc", ())),
                   "message": e.get("msg", ""), "type": e.get("type", "")}
                  for e in exc.errors()]
        # A body that is not JSON at all is a malformed request, not an invalid value.
        status = 400 if any(e["type"] == "json_invalid" for e in errors) else 422
        first = errors[0] if errors else {"location": "", "message": "invalid request"}
        return error_response(status, _HTTP_CODES[status],
                              f"{first['location']}: {first['message']}",
                              {"errors": errors}, request=_request)

    @app.exception_handler(StarletteHTTPException)
    def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail),
                              headers=getattr(exc, "headers", None), request=_request)
