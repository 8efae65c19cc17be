"""Reading the feed samples in tests/data/feeds with a named importer, without a store."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from intelpool.formats.records import ImportOptions, ObservationRecord, Record, Rejection
from intelpool.formats.registry import get_importer

DATA = Path(__file__).parents[2] / "data" / "feeds"


def parse_file(fmt: str, name: str) -> list[Record]:
    with (DATA / name).open("rb") as stream:
        return list(get_importer(fmt).parse(stream, ImportOptions()))


def parse_bytes(fmt: str, data: bytes) -> list[Record]:
    return list(get_importer(fmt).parse(io.BytesIO(data), ImportOptions()))


def observations(records: list[Record]) -> list[ObservationRecord]:
    return [r for r in records if isinstance(r, ObservationRecord)]


def values(records: list[Record]) -> list[tuple[str, str | None, str | None]]:
    """(value, type, role) of every observation, in order."""
    return [(r.value, r.type, r.role) for r in observations(records)]


def rejections(records: list[Record]) -> list[tuple[str, str]]:
    """(location, reason) of every rejection, in order."""
    return [(r.location, r.reason) for r in records if isinstance(r, Rejection)]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
        second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
