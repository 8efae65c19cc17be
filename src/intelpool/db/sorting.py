"""Sorting and paging of list reads in SQL.

Each list names the keys it may be sorted by (a fixed whitelist of SQL expressions); a read
asks for one key (a leading '-' sorts descending), a limit and an offset, and learns the total
of the same filtered query, counted in SQL. Ties are broken by the list's id so pages never
overlap or skip a row.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Connection, Select, func, select

from intelpool.errors import InvalidInput

T = TypeVar("T")
SortKeys = Mapping[str, Sequence[ColumnElement[Any]]]


@dataclass(frozen=True, slots=True)
class Slice:
    """Which part of a list to read: ``sort`` is a key of the list's whitelist ('-' first
    for descending, empty for the list's default), ``limit`` None reads to the end."""

    sort: str = ""
    limit: int | None = None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Listed(Generic[T]):
    """One slice of a list and how many rows the whole filtered list holds."""

    items: list[T]
    total: int


def checked(sort: str, keys: Collection[str], what: str) -> str:
    """``sort`` if its key is in the whitelist, else a one-line refusal naming the choices."""
    key = sort.removeprefix("-")
    if key not in keys:
        raise InvalidInput(f"cannot sort {what} by {key!r}: use {', '.join(keys)}")
    return sort


def ordered(query: Select[Any], sort: str, keys: SortKeys, tiebreak: ColumnElement[Any],
            what: str) -> Select[Any]:
    descending = checked(sort, keys, what).startswith("-")
    columns = [*keys[sort.removeprefix("-")], tiebreak]
    return query.order_by(*(c.desc() if descending else c.asc() for c in columns))


def count(conn: Connection, query: Select[Any]) -> int:
    return int(conn.execute(select(func.count()).select_from(
        query.order_by(None).subquery())).scalar_one())


def sliced(query: Select[Any], part: Slice) -> Select[Any]:
    query = query.offset(part.offset) if part.offset else query
    return query.limit(part.limit) if part.limit is not None else query
