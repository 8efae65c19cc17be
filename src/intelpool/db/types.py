"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import BigInteger, Column, DateTime, Dialect, Integer, String
from sqlalchemy.types import TypeDecorator, TypeEngine

from intelpool.errors import InvalidInput

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
Id = BigInteger().with_variant(Integer(), "sqlite")

SQLITE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def json_list(text: str | None) -> tuple[str, ...]:
    """A JSON list column (tags, aliases) as a tuple; NULL is the empty tuple."""
    return tuple(orjson.loads(text)) if text else ()


def declared_length(column: Column[Any]) -> int:
    """The length a String column declares: PostgreSQL enforces it (SQLite does not), so
    values are checked against it before they are written."""
    length = column.type.length if isinstance(column.type, String) else None
    assert length is not None, f"{column} declares no length"
    return length


def storable_text(column: Column[Any], value: str, what: str) -> str:
    """``value`` when ``column`` holds it on both stores, else InvalidInput saying why:
    PostgreSQL refuses a NUL character and a value longer than the column declares."""
    limit = declared_length(column)
    if len(value) > limit:
        raise InvalidInput(f"{what} is longer than {limit} characters: {value[:40]!r}...")
    if "\x00" in value:
        raise InvalidInput(f"{what} contains a NUL character")
    return value


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; timestamptz on PostgreSQL, naive UTC text on SQLite."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            # Imported here: the PostgreSQL dialect costs an embedded pool's command ~0.1 s.
            from sqlalchemy.dialects.postgresql import TIMESTAMP

            return dialect.type_descriptor(TIMESTAMP(timezone=True))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
