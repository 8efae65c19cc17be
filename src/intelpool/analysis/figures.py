"""What the interfaces call: options checked, then the repository queries run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.access.disclosure import DisclosureRules
from intelpool.analysis import statistics as repository
from intelpool.analysis import trends as repo
from intelpool.analysis.dimensions import parse_dimensions
from intelpool.analysis.periods import Period, checked, date_range, parse_day
from intelpool.analysis.report.model import Report
from intelpool.analysis.trends import TrendReport
from intelpool.audit import service as audit
from intelpool.config import Settings
from intelpool.errors import InvalidInput
from intelpool.pool.themes import parse_themes

SCOPES = ("visible", "partnership")


def disclosure_rules(settings: Settings | None = None) -> DisclosureRules:
    s = settings or Settings()
    return DisclosureRules(s.disclosure_min_organisations, s.disclosure_min_count,
                           s.disclosure_dominance_percent, s.disclosure_rounding)


def statistics(conn: Connection, principal: Principal, *, by: list[str] | None,
               since: str | None, until: str | None, scope: str = "visible",
               settings: Settings | None = None) -> repository.StatsTable:
    if scope not in SCOPES:
        raise InvalidInput(f"unknown scope {scope!r}: use {' or '.join(SCOPES)}")
    partnership = scope == "partnership"
    dims = parse_dimensions(by, partnership=partnership)
    period = date_range(parse_day(since, "since"), parse_day(until, "until"))
    if not partnership:
        return repository.visible_statistics(conn, principal, dims, period)
    rules = disclosure_rules(settings)
    if until is None:
        # Only complete months: a month still running is not a fixed period.
        now = datetime.now(UTC)
        end = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        period = checked(Period(period.start, end, f"{since or 'the start'} to {end.date()}"
                                " (complete months)"), now=now)
    return repository.partnership_statistics(conn, principal, dims, period, rules)


def trends(conn: Connection, principal: Principal, *, theme: str | None = None,
           window: str = "4w", history: int = 3, until: str | None = None,
           progress: Callable[[str], None] | None = None) -> TrendReport:
    """The last window against ``history`` windows before it, ending at ``until`` (else
    at the newest observation the viewer may see)."""
    length, label = repo.parse_window(window)
    if not 1 <= history <= 24:
        raise InvalidInput(f"history {history} is out of range: use 1 to 24 windows")
    chosen = parse_themes([theme])[0] if theme else None
    now = datetime.now(UTC)
    day = parse_day(until, "until")
    if day is not None:
        end = date_range(None, day).end
        if end - timedelta(days=1) > now:
            raise InvalidInput(f"until {until}: it lies in the future")
    else:
        # Windows are whole days, the last ending with the newest day seen (at most today).
        latest = min(repo.latest_visible(conn, principal) or now.date(), now.date())
        end = date_range(None, latest).end
    windows = repo.Windows(end, length, history + 1, label)
    return repo.compute_trends(conn, principal, windows, chosen, progress=progress)


def report(conn: Connection, principal: Principal, *, period: str,
           themes: list[str] | None = None, settings: Settings | None = None) -> Report:
    """A threat assessment of what the viewer may see in ``period``."""
    from intelpool.analysis.periods import parse_period
    from intelpool.analysis.report.build import build_report

    chosen = tuple(parse_themes(themes or []))
    rules = disclosure_rules(settings)
    made = build_report(conn, principal, parse_period(period), chosen, rules)
    audit.record(conn, principal, "analysis.report", subject_type="report",
                 subject_id=made.period[:64],
                 detail={"period": made.period, "themes": list(chosen), "tlp": made.tlp,
                         "contributions": [a.id for a in made.annex]})
    return made
