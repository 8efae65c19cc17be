"""Crime themes the taskforce covers (mapped to europol-incident and RSIT in formats)."""

from __future__ import annotations

import enum

from intelpool.errors import InvalidInput


class Theme(enum.StrEnum):
    MALWARE_DEVELOPMENT = "malware-development"
    MALWARE_TESTING = "malware-testing"
    MALWARE_DISTRIBUTION = "malware-distribution"
    BOTNET = "botnet"
    CRIME_AS_A_SERVICE = "crime-as-a-service"
    ONLINE_FRAUD = "online-fraud"
    INTRUSION = "intrusion"
    OTHER = "other"


def parse_themes(items: list[str] | tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for item in items:
        try:
            theme = Theme(item.strip().lower())
        except ValueError:
            raise InvalidInput(
                f"unknown theme {item!r}: use {', '.join(t.value for t in Theme)}"
            ) from None
        if theme.value not in out:
            out.append(theme.value)
    return out
