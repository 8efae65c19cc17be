"""File names, mutexes and user agents: taken literally, never refanged."""

from __future__ import annotations

import pytest

from intelpool.observables import InvalidObservable, parse_selector


def canonical(value: str, kind: str) -> str:
    return parse_selector(value, kind)[1]


@pytest.mark.parametrize(("value", "expected"), [
    ("invoice.pdf.exe", "invoice.pdf.exe"),
    ("C:\\Users\\victim\\AppData\\Roaming\\svchost.exe", "svchost.exe"),
    ("/dev/shm/.x/kworker", "kworker"),
    ("brochure .doc", "brochure .doc"),
    ("report[.]pdf", "report[.]pdf"),  # literal: no refanging
    ("photo (at) beach.jpg", "photo (at) beach.jpg"),
    ("Rechnung\u202efdp.exe", "Rechnung\u202efdp.exe"),  # right-to-left override is kept
    ("Cafe\u0301.txt", "Caf\u00e9.txt"),  # NFC
])
def test_filename_canonical(value: str, expected: str) -> None:
    assert canonical(value, "filename") == expected


@pytest.mark.parametrize(("value", "reason"), [
    ("C:\\Windows\\", "directory path"),
    ("..", "is not a file name"),
    ("a\x00b.exe", "control character U\\+0000"),
    ("\u00e9" * 128 + ".txt", "longer than 255 bytes"),
])
def test_filename_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "filename")


def test_mutex_keeps_case_and_namespace() -> None:
    assert canonical("Global\\MsWinZonesCacheCounterMutexA", "mutex") == (
        "Global\\MsWinZonesCacheCounterMutexA")
    assert canonical("  DC_MUTEX-F54S21D ", "mutex") == "DC_MUTEX-F54S21D"


@pytest.mark.parametrize(("value", "reason"), [
    ("   ", "empty value"),
    ("abc\x07", "control character U\\+0007"),
    ("m" * 1025, "longer than 1024"),
])
def test_mutex_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "mutex")


def test_user_agent_collapses_white_space() -> None:
    value = "Mozilla/5.0  (Windows NT 10.0;\tWin64; x64)\u00a0 AppleWebKit/537.36"
    assert canonical(value, "user-agent") == (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36")


@pytest.mark.parametrize(("value", "reason"), [
    ("", "empty value"),
    ("Mozilla\x01", "non-printable character U\\+0001"),
    ("Mozilla\x1c5.0", "non-printable character U\\+001C"),  # not taken for a space
    ("Mozilla\u200b/5.0", "non-printable character U\\+200B"),
    ("A" * 1025, "longer than 1024"),
])
def test_user_agent_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "user-agent")
