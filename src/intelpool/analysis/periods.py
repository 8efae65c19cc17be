"""Periods of statistics and reports: calendar months and quarters, or a range of dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from intelpool.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Period:
    """[start, end) in UTC, with the label a reader sees."""

    start: datetime
    end: datetime
    label: str

    @property
    def days(self) -> tuple[date, date]:
        """[first day, day after the last): the summary counts whole days."""
        for bound in (self.start, self.end):
            if bound != _midnight(bound.date()):
                raise ValueError(f"period {self.label} does not begin and end at midnight")
        return self.start.date(), self.end.date()

    @property
    def whole_months(self) -> bool:
        return _month_start(self.start) == self.start and _month_start(self.end) == self.end


def _month_start(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    return moment.replace(year=index // 12, month=index % 12 + 1, day=1)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{what} {text!r} is not a date (YYYY-MM-DD)") from None


def parse_period(text: str, *, now: datetime | None = None) -> Period:
    """2024-Q2, 2024-05 or DATE..DATE (both days included)."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", text):
        start = datetime(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1, tzinfo=UTC)
        period = Period(start, _add_months(start, 3), f"{m[1]}-Q{m[2]}")
    elif m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        if not 1 <= int(m[2]) <= 12:
            raise InvalidInput(f"period {text!r}: no month {m[2]}")
        start = datetime(int(m[1]), int(m[2]), 1, tzinfo=UTC)
        period = Period(start, _add_months(start, 1), text)
    elif ".." in text:
        first, _, last = text.partition("..")
        period = date_range(_date(first, "period start"), _date(last, "period end"))
    else:
        raise InvalidInput(f"period {text!r}: use 2024-Q2, 2024-05 or 2024-04-01..2024-06-30")
    return checked(period, now=now)


def date_range(first: date | None, last: date | None, *, now: datetime | None = None
               ) -> Period:
    """--since/--until: both days included; open ends reach back to 1970 and up to now
    (the end of today: statistics count whole days)."""
    now = now or datetime.now(UTC)
    start = _midnight(first) if first else datetime(1970, 1, 1, tzinfo=UTC)
    end = _midnight(last or now.astimezone(UTC).date()) + timedelta(days=1)
    label = f"{first or 'the start'} to {last or 'now'}"
    return checked(Period(start, end, label), now=now)


def checked(period: Period, *, now: datetime | None = None) -> Period:
    now = now or datetime.now(UTC)
    if period.start > now:
        raise InvalidInput(f"period {period.label}: it lies in the future")
    if period.end <= period.start:
        raise InvalidInput(f"period {period.label}: it ends before it begins")
    return period


def parse_day(text: str | None, what: str) -> date | None:
    return None if text is None else _date(text, what)


def require_whole_months(period: Period) -> None:
    """Partnership statistics use fixed calendar periods, so queries cannot be differenced."""
    if not period.whole_months:
        raise InvalidInput(
            f"period {period.label}: partnership statistics cover whole calendar months "
            "(from the first day of a month to the last day of one)")


def previous(period: Period) -> Period:
    """The period of the same length just before: the previous month or quarter when the
    period is whole months, else the same number of days."""
    if period.whole_months:
        months = (period.end.year - period.start.year) * 12 + period.end.month - \
            period.start.month
        start = _add_months(period.start, -months)
        return Period(start, period.start, f"{start:%Y-%m} to {period.start:%Y-%m} (excl.)")
    start = period.start - (period.end - period.start)
    return Period(start, period.start, f"{start:%Y-%m-%d} to {period.start:%Y-%m-%d}")
