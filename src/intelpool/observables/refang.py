"""Undo the defanging analysts apply so selectors cannot be clicked (hxxp, [.], [@] ...)."""

from __future__ import annotations

import re

_BRACKETED = re.compile(r"[\[\(\{]\s*(\.|dot|@|at|:|://)\s*[\]\)\}]", re.IGNORECASE)
_BRACKET_VALUE = {".": ".", "dot": ".", "@": "@", "at": "@", ":": ":", "://": "://"}
_SCHEME = re.compile(r"^(hxxps?|hXXps?|h\*\*ps?|fxp|meows?)(?=[:\[])", re.IGNORECASE)
_SCHEME_VALUE = {"hxxp": "http", "hxxps": "https", "h**p": "http", "h**ps": "https",
                 "fxp": "ftp", "meow": "http", "meows": "https"}


def refang(value: str) -> str:
    """Return ``value`` with defanging removed; untouched when there is none (the hot path)."""
    text = value.strip()
    if "[" in text or "(" in text or "{" in text:
        text = _BRACKETED.sub(lambda m: _BRACKET_VALUE[m.group(1).lower()], text)
    if text[:1] in "hHfFmM" and text[:4].lower() != "http":
        text = _SCHEME.sub(lambda m: _SCHEME_VALUE[m.group(1).lower()], text)
    return text
