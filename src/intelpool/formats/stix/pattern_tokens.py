"""Tokens of the STIX patterning language: words, quoted strings with their escapes, numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

_OPERATORS = {"==": "=", "=": "=", "!=": "!=", "<>": "!=", "<=": "<=", ">=": ">=", "<": "<",
              ">": ">"}


class PatternError(ValueError):
    """A pattern that is not valid STIX patterning; the message names the position."""


@dataclass(frozen=True, slots=True)
class TypedLiteral:
    """A timestamp (t'..'), binary (b'..') or hex (h'..') literal, kept as written."""

    kind: str
    text: str


class Token(NamedTuple):  # a tuple: patterns are tokenized once per indicator, so cheaply
    kind: str  # word, string, typed, number, op, or a symbol itself; "end" at the end
    value: str | int | float | TypedLiteral | None
    start: int
    end: int


# One alternative per token kind, tried in this order at each position.
_SCANNER = re.compile(r"""
    (?P<space>\s+)
  | (?P<typed>[tbh]'(?:[^'\\]|\\.)*')
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<number>[+-]?[0-9]+(?:\.[0-9]+)?)
  | (?P<op>==|!=|<>|<=|>=|=|<|>)
  | (?P<symbol>[][():,.*])
""", re.VERBOSE)
_ESCAPE = re.compile(r"\\(.?)", re.DOTALL)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        match = _SCANNER.match(text, i)
        if match is None:
            if text[i] == "'" or text[i - 1 : i + 1] in ("t'", "b'", "h'"):
                raise PatternError(f"unterminated string starting at position {i}")
            raise PatternError(f"unexpected character {text[i]!r} at position {i}")
        kind, raw, end = match.lastgroup, match.group(), match.end()
        if kind == "string":
            tokens.append(Token("string", unquote(raw, i), i, end))
        elif kind == "typed":
            tokens.append(Token("typed", TypedLiteral(raw[0], unquote(raw[1:], i + 1)), i, end))
        elif kind == "word":
            tokens.append(Token("word", raw, i, end))
        elif kind == "number":
            tokens.append(Token("number", float(raw) if "." in raw else int(raw), i, end))
        elif kind == "op":
            tokens.append(Token("op", _OPERATORS[raw], i, end))
        elif kind == "symbol":
            tokens.append(Token(raw, None, i, end))
        i = end
    tokens.append(Token("end", None, n, n))
    return tokens


def unquote(raw: str, start: int) -> str:
    """The value of a quoted string written at ``start``; only \\' and \\\\ are escapes."""
    body = raw[1:-1]
    if "\\" not in body:
        return body

    def unescape(match: re.Match[str]) -> str:
        if match.group(1) not in ("'", "\\"):
            position = start + 1 + match.start()
            raise PatternError(f"invalid escape \\{match.group(1)} at position {position}")
        return match.group(1)

    return _ESCAPE.sub(unescape, body)


def quote(value: str) -> str:
    """``value`` as a STIX pattern string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
