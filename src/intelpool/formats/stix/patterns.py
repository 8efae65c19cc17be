"""The STIX 2.x patterning language: a recursive-descent parser over ``pattern_tokens``.

Only the parse tree is built here; which comparisons name selectors is decided in
``selectors.py``. The grammar follows STIX 2.1 section 9 (2.0 is a subset of it)::

    pattern      := obs_seq EOF
    obs_seq      := obs_or ("FOLLOWEDBY" obs_or)*
    obs_or       := obs_and ("OR" obs_and)*
    obs_and      := obs_atom ("AND" obs_atom)*
    obs_atom     := ("[" comp_or "]" | "(" obs_seq ")") qualifier*
    qualifier    := "WITHIN" number "SECONDS" | "REPEATS" int "TIMES"
                  | "START" t'..' "STOP" t'..'
    comp_or      := comp_and ("OR" comp_and)*
    comp_and     := comp_atom ("AND" comp_atom)*
    comp_atom    := "(" comp_or ")" | "EXISTS" path | path "NOT"? operator operand
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from intelpool.formats.stix.pattern_tokens import (
    PatternError,
    Token,
    TypedLiteral,
    quote,
    tokenize,
    unquote,
)

__all__ = ["PatternError", "TypedLiteral", "parse", "quote", "tokenize"]

_WORD_OPERATORS = ("IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET")

Value = str | int | float | bool | TypedLiteral | tuple[str | int | float | bool, ...]


# Not frozen: a frozen dataclass costs a call per field to build, and a bundle holds a
# pattern per indicator. Nothing changes a tree once parsed.
@dataclass(slots=True)
class Comparison:
    object_type: str
    path: tuple[str | int, ...]  # components after the colon; "*" for any list index
    operator: str  # =, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET, EXISTS
    value: Value | None
    negated: bool
    text: str  # the comparison as written in the pattern


@dataclass(frozen=True, slots=True)
class Junction:
    """Comparisons joined inside one observation expression: AND / OR."""

    operator: str
    items: tuple[Comparison | Junction, ...]


@dataclass(slots=True)
class Observation:
    """One ``[ ... ]`` observation expression."""

    expression: Comparison | Junction


@dataclass(frozen=True, slots=True)
class ObservationJunction:
    """Observation expressions joined by AND, OR or FOLLOWEDBY."""

    operator: str
    items: tuple[ObservationNode, ...]


@dataclass(frozen=True, slots=True)
class Qualified:
    expression: ObservationNode
    qualifier: str  # as written, e.g. "WITHIN 300 SECONDS"


ObservationNode = Observation | ObservationJunction | Qualified


_WORD = r"[A-Za-z_][A-Za-z0-9_-]*"
_PATH_PART = rf"(?:{_WORD}|'[^'\\.]*')"
# Nearly every indicator in the wild is one equality, "[type:path = 'value']"; it is read by
# this one expression, giving the very tree the full parser would (the tests check that).
_ONE_EQUALITY = re.compile(
    rf"\s*\[\s*((?P<type>{_WORD}):(?P<path>{_PATH_PART}(?:\.{_PATH_PART})*)\s*={{1,2}}\s*"
    r"(?P<value>'[^'\\]*(?:\\.[^'\\]*)*'))\s*\]\s*")


def parse(text: str) -> ObservationNode:
    """The parse tree of a STIX pattern; raises PatternError."""
    simple = _ONE_EQUALITY.fullmatch(text)
    if simple is not None:
        written = simple.group("path")
        path = (written,) if "." not in written else tuple(
            p[1:-1] if p.startswith("'") else p for p in written.split("."))
        value = unquote(simple.group("value"), simple.start("value"))
        return Observation(Comparison(simple.group("type"), path, "=", value, False,
                                      simple.group(1)))
    return _Parser(text).pattern()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def keyword(self, *words: str) -> str | None:
        """Consume the current token when it is one of ``words`` (keywords are upper case)."""
        token = self.token
        if token.kind == "word" and token.value in words:
            self.pos += 1
            return str(token.value)
        return None

    def expect(self, kind: str, what: str) -> Token:
        if self.token.kind != kind:
            raise self.error(f"expected {what}")
        return self.advance()

    def error(self, message: str) -> PatternError:
        token = self.token
        found = "end of pattern" if token.kind == "end" else repr(self.text[token.start:token.end])
        return PatternError(f"{message} at position {token.start}, found {found}")

    def pattern(self) -> ObservationNode:
        node = self.obs_seq()
        if self.token.kind != "end":
            raise self.error("expected AND, OR, FOLLOWEDBY or the end")
        return node

    def obs_seq(self) -> ObservationNode:
        return self._joined(self.obs_or, "FOLLOWEDBY")

    def obs_or(self) -> ObservationNode:
        return self._joined(self.obs_and, "OR")

    def obs_and(self) -> ObservationNode:
        return self._joined(self.obs_atom, "AND")

    def _joined(self, operand: Callable[[], ObservationNode], word: str) -> ObservationNode:
        items = [operand()]
        while self.keyword(word):
            items.append(operand())
        return items[0] if len(items) == 1 else ObservationJunction(word, tuple(items))

    def obs_atom(self) -> ObservationNode:
        node: ObservationNode
        if self.token.kind == "[":
            self.advance()
            node = Observation(self.comp_or())
            self.expect("]", "']' closing the observation expression")
        elif self.token.kind == "(":
            self.advance()
            node = self.obs_seq()
            self.expect(")", "')'")
        else:
            raise self.error("expected '[' or '(' opening an observation expression")
        while (qualifier := self.qualifier()) is not None:
            node = Qualified(node, qualifier)
        return node

    def qualifier(self) -> str | None:
        start = self.token.start
        word = self.keyword("WITHIN", "REPEATS", "START")
        if word is None:
            return None
        if word == "WITHIN":
            self.expect("number", "a number of seconds")
            if not self.keyword("SECONDS"):
                raise self.error("expected SECONDS")
        elif word == "REPEATS":
            self.expect("number", "a repeat count")
            if not self.keyword("TIMES"):
                raise self.error("expected TIMES")
        else:
            self.expect("typed", "a timestamp t'...'")
            if not self.keyword("STOP"):
                raise self.error("expected STOP")
            self.expect("typed", "a timestamp t'...'")
        return self.text[start : self.tokens[self.pos - 1].end]

    def comp_or(self) -> Comparison | Junction:
        items = [self.comp_and()]
        while self.keyword("OR"):
            items.append(self.comp_and())
        return items[0] if len(items) == 1 else Junction("OR", tuple(items))

    def comp_and(self) -> Comparison | Junction:
        items = [self.comp_atom()]
        while self.keyword("AND"):
            items.append(self.comp_atom())
        return items[0] if len(items) == 1 else Junction("AND", tuple(items))

    def comp_atom(self) -> Comparison | Junction:
        start = self.token.start
        if self.token.kind == "(":
            self.advance()
            node = self.comp_or()
            self.expect(")", "')'")
            return node
        if self.keyword("EXISTS"):
            object_type, path = self.object_path()
            return Comparison(object_type, path, "EXISTS", None, False,
                              self.text[start : self.tokens[self.pos - 1].end])
        object_type, path = self.object_path()
        negated = self.keyword("NOT") is not None
        operator, value = self.operator_and_operand()
        return Comparison(object_type, path, operator, value, negated,
                          self.text[start : self.tokens[self.pos - 1].end])

    def object_path(self) -> tuple[str, tuple[str | int, ...]]:
        object_type = self.expect("word", "an object type")
        self.expect(":", "':' after the object type")
        path: list[str | int] = [self.path_name()]
        while self.token.kind in (".", "["):
            if self.advance().kind == ".":
                path.append(self.path_name())
                continue
            index = self.advance()
            if index.kind == "*":
                path.append("*")
            elif index.kind == "number" and isinstance(index.value, int):
                path.append(index.value)
            else:
                raise self.error("expected a list index or '*'")
            self.expect("]", "']' closing the list index")
        assert isinstance(object_type.value, str)
        return object_type.value, tuple(path)

    def path_name(self) -> str:
        token = self.token
        if token.kind in ("word", "string") and isinstance(token.value, str):
            self.advance()
            return token.value
        raise self.error("expected a property name")

    def operator_and_operand(self) -> tuple[str, Value]:
        if self.token.kind == "op":
            operator = self.advance().value
            assert isinstance(operator, str)
            return operator, self.literal()
        word = self.keyword(*_WORD_OPERATORS)
        if word is None:
            raise self.error("expected a comparison operator")
        if word == "IN":
            return word, self.set_literal()
        token = self.expect("string", f"a quoted string after {word}")
        assert isinstance(token.value, str)
        return word, token.value

    def literal(self) -> str | int | float | bool | TypedLiteral:
        token = self.token
        if token.kind in ("string", "number", "typed") and token.value is not None:
            self.advance()
            return token.value
        if token.kind == "word" and token.value in ("true", "false"):
            self.advance()
            return token.value == "true"
        raise self.error("expected a literal value")

    def set_literal(self) -> tuple[str | int | float | bool, ...]:
        self.expect("(", "'(' opening the set")
        items: list[str | int | float | bool] = []
        while self.token.kind != ")":
            value = self.literal()
            if isinstance(value, TypedLiteral):
                items.append(value.text)
            else:
                items.append(value)
            if self.token.kind != ",":
                break
            self.advance()
        self.expect(")", "')' closing the set")
        return tuple(items)


