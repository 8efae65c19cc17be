"""Times as users write them: a date or an ISO 8601 time, read as UTC unless it says
otherwise. Standard library only, so the command line can import it at start-up."""

from __future__ import annotations

from datetime import UTC, datetime

from intelpool.errors import InvalidInput


def utc_time(text: str, label: str, *, hint: str = "YYYY-MM-DD or ISO 8601, UTC") -> datetime:
    """``text`` as an aware datetime; ``label`` names the option or field in the error."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{label} {text!r} is not a date ({hint})") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
