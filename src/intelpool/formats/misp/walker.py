"""Walking MISP JSON with ijson: find the events wherever they sit, build chosen parts of each.

An event sits at the top (bare, or wrapped as ``{"Event": ...}``), in a top-level list, or in
a restSearch response ``{"response": [...]}``. Only the items asked for (e.g. one attribute)
are built in memory, one at a time, so memory does not grow with the file.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import ijson

from intelpool.errors import InvalidInput

# Where an event may start, as ijson prefixes.
ROOTS = frozenset({"", "Event", "item", "item.Event", "response", "response.Event",
                   "response.item", "response.item.Event"})
_LIST_ITEMS = frozenset({"item", "response.item"})
# A key of one of these names directly in a root map makes that map an event.
EVENT_KEYS = frozenset({"info", "uuid", "Attribute", "Object", "Tag", "EventTag", "Galaxy",
                        "date", "threat_level_id", "analysis", "Orgc", "published"})
CONTENT_KEYS = frozenset({"info", "Attribute", "Object"})
# Event parts one pass may not need: skipped without looking inside.
_BULKY = frozenset({"Attribute", "Object", "Galaxy", "Tag", "EventTag", "RelatedEvent",
                    "EventReport", "ShadowAttribute", "Sighting", "Org", "Orgc"})
_OPEN = frozenset({"start_map", "start_array"})
_CLOSE = frozenset({"end_map", "end_array"})
_VALUES = frozenset({"start_map", "start_array", "string", "number", "boolean", "null"})


@dataclass(frozen=True, slots=True)
class EventStart:
    index: int
    path: str  # JSON path of the event, e.g. "$.response[2].Event"


@dataclass(frozen=True, slots=True)
class Item:
    event: int
    section: str  # "Attribute", "Object", "Galaxy", "Tag", ...
    index: int
    value: Any


@dataclass(frozen=True, slots=True)
class Scalar:
    event: int
    key: str
    value: Any


@dataclass(frozen=True, slots=True)
class Key:
    """The event has this key (one of CONTENT_KEYS)."""

    event: int
    name: str


Found = EventStart | Item | Scalar | Key


def walk(stream: IO[bytes], sections: frozenset[str],
         scalars: frozenset[str] = frozenset()) -> Iterator[Found]:
    """Events, the items of their ``sections`` lists and their ``scalars`` keys, in file order.

    Raises InvalidInput when the stream is not JSON.
    """
    _skip_bom(stream)
    try:
        yield from _walk(ijson.parse(stream, use_float=True), sections, scalars)
    except ijson.JSONError as exc:
        raise InvalidInput(f"not valid JSON: {_first_line(exc)}") from None


def _walk(parser: Iterator[tuple[str, str, Any]], sections: frozenset[str],
          scalars: frozenset[str]) -> Iterator[Found]:
    positions: dict[str, int] = dict.fromkeys(_LIST_ITEMS, -1)
    instances: dict[str, int] = {}
    current: tuple[str, int] | None = None
    event = -1
    wanted: dict[str, str] = {}
    keys: dict[str, str] = {}
    skippable: frozenset[str] = frozenset()
    counts: dict[str, int] = {}
    for prefix, kind, value in parser:
        if prefix in wanted and kind in _VALUES:
            section = wanted[prefix]
            index = counts[section] = counts.get(section, -1) + 1
            yield Item(event, section, index, _build(parser, kind) if kind in _OPEN else value)
            continue
        if prefix in skippable and kind in _OPEN:
            _skip(parser)  # a part of the event nobody asked for: only its end matters
            continue
        if prefix in _LIST_ITEMS and kind in _VALUES:
            positions[prefix] += 1
        if kind == "start_map" and prefix in ROOTS:
            instances[prefix] = instances.get(prefix, 0) + 1
        elif kind == "map_key" and prefix in ROOTS and value in EVENT_KEYS:
            if value in CONTENT_KEYS and (prefix, instances.get(prefix, 0)) == current:
                yield Key(event, value)
            elif (prefix, instances.get(prefix, 0)) != current:
                current = (prefix, instances.get(prefix, 0))
                event += 1
                base = f"{prefix}." if prefix else ""
                wanted = {f"{base}{name}.item": name for name in sections}
                keys = {f"{base}{name}": name for name in scalars}
                skippable = frozenset(f"{base}{name}" for name in _BULKY - sections)
                counts = {}
                yield EventStart(event, _path(prefix, positions))
                if value in CONTENT_KEYS:
                    yield Key(event, value)
        elif prefix in keys and kind in _VALUES and kind not in _OPEN:
            yield Scalar(event, keys[prefix], value)


def _build(parser: Iterator[tuple[str, str, Any]], start: str) -> Any:
    """The JSON value that starts with ``start`` (start_map or start_array), read to its end.

    A plain stack of containers: much cheaper per event than ijson's ObjectBuilder.
    """
    container: Any = {} if start == "start_map" else []
    stack: list[tuple[Any, Any]] = []
    key: Any = None
    for _, kind, value in parser:
        if kind == "map_key":
            key = value
        elif kind in _OPEN:
            child: Any = {} if kind == "start_map" else []
            if type(container) is dict:
                container[key] = child
            else:
                container.append(child)
            stack.append((container, key))
            container = child
        elif kind in _CLOSE:
            if not stack:
                return container
            container, key = stack.pop()
        elif type(container) is dict:
            container[key] = value
        else:
            container.append(value)
    return container


def _skip(parser: Iterator[tuple[str, str, Any]]) -> None:
    depth = 1
    for _, kind, _ in parser:
        if kind in _OPEN:
            depth += 1
        elif kind in _CLOSE:
            depth -= 1
            if depth == 0:
                return


def _path(prefix: str, positions: dict[str, int]) -> str:
    out, sofar = "$", ""
    for part in prefix.split(".") if prefix else []:
        sofar = f"{sofar}.{part}" if sofar else part
        out += f"[{positions[sofar]}]" if sofar in _LIST_ITEMS else f".{part}"
    return out


def _skip_bom(stream: IO[bytes]) -> None:
    start = stream.tell()
    if stream.read(3) != codecs.BOM_UTF8:
        stream.seek(start)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else exc.__class__.__name__
