"""The dimensions statistics break down by, as SQL expressions on both stores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    FromClause,
    Integer,
    Text,
    case,
    cast,
    func,
    literal,
    literal_column,
)

from intelpool.errors import InvalidInput

DIMENSIONS = ("theme", "type", "month", "quarter", "week", "partner-kind", "country",
              "originator")
# The partnership scope publishes fixed calendar periods and never names an organisation.
PARTNERSHIP_DIMENSIONS = ("theme", "type", "month", "quarter", "partner-kind", "country")
NONE_LABEL = "(none)"


def parse_dimensions(text: str | list[str] | None, *, partnership: bool) -> tuple[str, ...]:
    items = text if isinstance(text, list) else [text] if text else []
    dims = tuple(d.strip().lower() for item in items for d in item.split(",") if d.strip())
    if len(dims) > 2:
        raise InvalidInput(f"dimensions {','.join(dims)}: at most two dimensions")
    if len(set(dims)) != len(dims):
        raise InvalidInput(f"dimensions {','.join(dims)}: a dimension appears twice")
    allowed = PARTNERSHIP_DIMENSIONS if partnership else DIMENSIONS
    for d in dims:
        if d not in DIMENSIONS:
            raise InvalidInput(f"unknown dimension {d!r}: use {', '.join(DIMENSIONS)}")
        if d not in allowed:
            why = "names organisations" if d == "originator" else "is not a fixed period"
            raise InvalidInput(f"dimension {d!r} {why}: the partnership scope offers "
                               f"{', '.join(allowed)}")
    return dims


@dataclass(frozen=True, slots=True)
class Sources:
    """Where a fact's dimensions come from: its contribution, originator, theme, time, type."""

    contribution: FromClause
    organisation: FromClause
    theme: FromClause | None
    time: ColumnElement[Any]
    type: ColumnElement[Any] | None
    viewer_org: int | None
    daily: bool = False  # ``time`` is a calendar day (the summary's), not a moment


def expression(dim: str, src: Sources, dialect: str) -> ColumnElement[Any]:
    if dim == "theme":
        assert src.theme is not None
        return func.coalesce(src.theme.c.theme, NONE_LABEL)
    if dim == "type":
        return src.type if src.type is not None else literal(NONE_LABEL)
    if dim in ("month", "quarter", "week"):
        if src.daily:
            return day_bucket(dim, src.time, dialect)
        return time_bucket(dim, src.time, dialect)
    if dim == "partner-kind":
        return src.organisation.c.kind
    if dim == "country":
        return func.coalesce(src.organisation.c.country, NONE_LABEL)
    if dim == "originator":
        # Anonymous originators are "a partner" to everyone but themselves.
        own = src.contribution.c.originator_id == (src.viewer_org or -1)
        return case((src.contribution.c.anonymous & ~own, literal("a partner")),
                    else_=src.organisation.c.name)
    raise InvalidInput(f"unknown dimension {dim!r}")


def time_bucket(dim: str, moment: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """2026-05, 2026-Q2, or the Monday a week begins (2026-05-04), in UTC."""
    if dialect == "postgresql":
        utc = func.timezone("UTC", moment)
        if dim == "month":
            return func.to_char(utc, "YYYY-MM")
        if dim == "quarter":
            return func.to_char(utc, 'YYYY-"Q"Q')
        return func.to_char(func.date_trunc("week", utc), "YYYY-MM-DD")
    if dim == "month":
        return func.strftime("%Y-%m", moment)
    if dim == "quarter":
        month = cast(func.strftime("%m", moment), Integer)
        return func.strftime("%Y-Q", moment, type_=Text) + cast((month + 2) // 3, Text)
    return func.date(moment, "weekday 0", "-6 days")



def day_bucket(dim: str, day: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """The same labels as ``time_bucket`` for a calendar day."""
    if dialect == "postgresql":
        # As a timestamp without time zone: the session's time zone plays no part.
        moment = cast(day, DateTime())
        if dim == "month":
            return func.to_char(moment, "YYYY-MM")
        if dim == "quarter":
            return func.to_char(moment, 'YYYY-"Q"Q')
        return func.to_char(func.date_trunc("week", moment), "YYYY-MM-DD")
    if dim == "month":
        return month_of_day(day)
    return time_bucket(dim, day, dialect)


def month_of_day(day: ColumnElement[Any]) -> ColumnElement[Any]:
    """SQLite stores a day as its ISO text: the month is its first seven characters, several
    times cheaper than strftime on every row. Written with literal numbers: SQLite uses an
    index on this expression (``db/tables_summary.py``) only for the very same expression,
    and a bound parameter is not the same."""
    return func.substr(day, literal_column("1"), literal_column("7"))
