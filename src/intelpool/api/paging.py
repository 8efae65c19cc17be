"""Opaque cursors and pages for every list endpoint.

A cursor is the base64 of a small JSON object the server alone reads: ``{"b": id}`` (keyset:
ids below ``b``, for lists ordered by id, stable while rows are added) or ``{"o": n}`` (an
offset, for lists ordered otherwise). Clients pass ``next`` back as ``cursor`` unchanged.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Query
from pydantic import BaseModel

from intelpool.api.errors import ApiError
from intelpool.db.sorting import Listed, Slice, checked
from intelpool.errors import InvalidInput

T = TypeVar("T")
MAX_LIMIT = 1000


class Page(BaseModel, Generic[T]):
    items: list[T]
    next: str | None = None  # pass as ``cursor`` for the following page; null at the end


@dataclass(frozen=True, slots=True)
class Cursor:
    before: int | None = None
    offset: int = 0


def _decode(text: str | None) -> Cursor:
    if not text:
        return Cursor()
    try:
        data = orjson.loads(base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4)))
        before, offset = data.get("b"), int(data.get("o", 0))
        if (before is not None and not isinstance(before, int)) or offset < 0:
            raise ValueError
    except (ValueError, TypeError, AttributeError, binascii.Error, orjson.JSONDecodeError):
        raise ApiError(400, "bad_request", "the cursor is not one this server gave") from None
    return Cursor(before, offset)


def _encode(data: dict[str, int]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(data)).decode().rstrip("=")


CursorParam = Annotated[str | None, Query(description="The `next` of the previous page.")]
LimitParam = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]


def cursor(text: str | None) -> Cursor:
    return _decode(text)


def keyset_page(fetch: Callable[[int, int | None], Sequence[T]], limit: int,
                text: str | None, key: Callable[[T], int]) -> Page[T]:
    """``fetch(limit, before)`` returns items newest first; one extra tells a next page."""
    items = list(fetch(limit + 1, _decode(text).before))
    more = len(items) > limit
    items = items[:limit]
    nxt = _encode({"b": key(items[-1])}) if more and items else None
    return Page(items=items, next=nxt)


def offset_page(fetch: Callable[[int, int], Sequence[T]], limit: int,
                text: str | None) -> Page[T]:
    """``fetch(limit, offset)``; for lists not ordered by a single id."""
    offset = _decode(text).offset
    items = list(fetch(limit + 1, offset))
    more = len(items) > limit
    return Page(items=items[:limit],
                next=_encode({"o": offset + limit}) if more else None)


def sort_param(sort: str, keys: Sequence[str], what: str) -> str:
    """A sort key of the list's whitelist, else a 400 naming the choices in one line."""
    try:
        return checked(sort, keys, what)
    except InvalidInput as exc:
        raise ApiError(400, "bad_request", str(exc)) from None


def sorted_page(fetch: Callable[[Slice, int | None], Listed[T]], limit: int,
                text: str | None, sort: str, key: Callable[[T], int]) -> Page[T]:
    """A page of a list the service sorts and slices in SQL: keyset paging (ids below the
    last one, stable while rows are added) in the newest-first id order, offsets otherwise."""
    if sort == "-id":
        return keyset_page(lambda n, before: fetch(Slice(sort, n), before).items, limit, text,
                           key)
    return offset_page(lambda n, offset: fetch(Slice(sort, n, offset), None).items, limit,
                       text)


def sort_query(keys: Sequence[str], default: str) -> Any:
    return Query(default, max_length=32,
                 description=f"Sort by {', '.join(keys)}; a leading '-' sorts descending.")
