"""Undo the defanging analysts apply so selectors cannot be clicked (hxxp, [.], [@] ...)."""

from __future__ import annotations

import re

# A defanged separator in brackets, with any white space around it: "[.]", "(dot)",
# " [at] ", "{:}", "[://]", "[/]".
_BRACKETED = re.compile(r"\s*[\[\(\{]\s*(\.|dot|@|at|:|://|//|/)\s*[\]\)\}]\s*", re.IGNORECASE)
_BRACKET_VALUE = {".": ".", "dot": ".", "@": "@", "at": "@", ":": ":", "://": "://",
                  "//": "//", "/": "/"}
_SCHEME = re.compile(r"^(hxxps?|hxtps?|htxps?|h\*\*ps?|h__ps?|fxps?|meows?)(?=[:\[\(\{])",
                     re.IGNORECASE)
_SCHEME_VALUE = {"hxxp": "http", "hxtp": "http", "htxp": "http", "h**p": "http", "h__p": "http",
                 "fxp": "ftp", "meow": "http"}
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _scheme(match: re.Match[str]) -> str:
    word = match.group(1).lower()
    secure = word.endswith("s")
    return _SCHEME_VALUE[word[:-1] if secure else word] + ("s" if secure else "")


def refang(value: str) -> str:
    """Return ``value`` with defanging removed; untouched when there is none (the hot path).

    Zero-width characters (inserted to break links) are removed; ``\\.`` becomes ``.``.
    """
    text = value.strip()
    if not text.isascii():
        text = text.translate(_ZERO_WIDTH).strip()
    if "[" in text or "(" in text or "{" in text:
        text = _BRACKETED.sub(lambda m: _BRACKET_VALUE[m.group(1).lower()], text)
    if "\\." in text:
        text = text.replace("\\.", ".")
    if text[:1] in "hHfFmM" and text[:4].lower() != "http":
        text = _SCHEME.sub(_scheme, text)
    return text
