"""Undoing defanged notation."""

from __future__ import annotations

import pytest

from intelpool.observables import refang


@pytest.mark.parametrize(("value", "expected"), [
    ("hxxp://evil[.]example[.]com/a", "http://evil.example.com/a"),
    ("hXXps://evil.example.com", "https://evil.example.com"),
    ("hxxps[:]//evil(.)example{.}com", "https://evil.example.com"),
    ("http[://]evil.example.com", "http://evil.example.com"),
    ("hxxp:[//]evil.example.com", "http://evil.example.com"),
    ("evil[dot]example(DOT)com", "evil.example.com"),
    ("evil [dot] example [dot] com", "evil.example.com"),
    ("user[@]example.com", "user@example.com"),
    ("user [at] example [dot] com", "user@example.com"),
    ("user(at)example.com", "user@example.com"),
    ("192.0.2[.]1", "192.0.2.1"),
    ("evil\\.example\\.com", "evil.example.com"),
    ("fxp://files.example.com", "ftp://files.example.com"),
    ("h**ps://evil.example.com", "https://evil.example.com"),
    ("ev\u200bil.example.com", "evil.example.com"),
    ("  http://example.com \n", "http://example.com"),
])
def test_defanged_forms(value: str, expected: str) -> None:
    assert refang(value) == expected


@pytest.mark.parametrize("value", [
    "[2001:db8::1]:443",
    "http://example.com/(a)",
    "https://example.com",
    "hostname",
])
def test_values_without_defanging_are_untouched(value: str) -> None:
    assert refang(value) == value
