"""The ``misp`` importer: MISP event JSON and MISP feed directories.

Reads an event (with or without the ``Event`` wrapper), a list of events, a restSearch
response ``{"response": [...]}``, or a feed directory (``manifest.json`` and one
``<uuid>.json`` per event). One submission is one contribution, however many events it holds.

Two passes over the JSON, both streaming: the first collects each event's title and tags
(which MISP often writes after the attributes) so ``DocumentMeta`` comes first; the second
turns attributes, objects and galaxies into records one at a time. ``DocumentMeta`` carries the
first event's title and evaluation, the themes of all events, and the marking every event
states; an event's own stricter tlp/PAP goes onto its records' marking.

Event-level galaxy clusters become entities of the contribution, not linked one by one to
the event's observations (that would be observations x clusters links): the contribution
ties them together. Clusters on an attribute are linked to it (``related-to``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from intelpool.errors import InvalidInput
from intelpool.formats.misp import galaxies
from intelpool.formats.misp.attributes import EventContext, as_list, attribute_records
from intelpool.formats.misp.objects import object_records
from intelpool.formats.misp.tags import TagInfo, loosest, read_tags
from intelpool.formats.misp.walker import CONTENT_KEYS, EventStart, Item, Key, Scalar, walk
from intelpool.formats.records import DocumentMeta, ImportOptions, Marking, Record, Rejection
from intelpool.formats.registry import importer

_WRAPPED = re.compile(rb'^\s*\[?\s*\{\s*"Event"\s*:\s*\{')
_RESPONSE = re.compile(rb'^\s*\{\s*"response"\s*:\s*[\[{]')
_EVENT_KEY = re.compile(rb'"Event"\s*:\s*\{')
_LISTS = re.compile(rb'"(Attribute|Object)"\s*:\s*\[')
_EVENTISH = re.compile(rb'"(threat_level_id|to_ids|category|info|object_relation)"\s*:')
# Event parts that hold no selectors of the originator: each is reported, not imported.
_NOT_READ = {
    "EventReport": "MISP event reports (text) are not imported",
    "ShadowAttribute": "MISP proposals are not imported: they are not the originator's data",
    "Sighting": "MISP sightings are not imported",
}
_NO_EVENT = ('no MISP event found: expected an event, {"Event": ...}, a list of events '
             'or {"response": [...]}')


def _sniff(head: bytes) -> float:
    head = head.removeprefix(b"\xef\xbb\xbf")
    if _WRAPPED.match(head):
        return 0.95
    if _RESPONSE.match(head) and (_EVENT_KEY.search(head) or _LISTS.search(head)):
        return 0.95
    if head.lstrip()[:1] in (b"{", b"[") and _LISTS.search(head) and _EVENTISH.search(head):
        return 0.9
    return 0.0


@dataclass(slots=True)
class _Source:
    """One JSON file: the submitted stream, or one event file of a feed."""

    label: str  # prefix of locations ("" for a single file)
    open: Callable[[], AbstractContextManager[IO[bytes]]]
    events: list[_Event] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class _Event:
    path: str
    info: str | None = None
    tags: list[str] = field(default_factory=list)
    cluster_tags: set[str] = field(default_factory=set)
    has_content: bool = False
    read: TagInfo = field(default_factory=TagInfo)


def parse_feed(directory: Path, options: ImportOptions) -> Iterator[Record]:
    """A MISP feed: the events ``manifest.json`` lists (else every ``*.json``), in order."""
    files, missing = _feed_files(directory)
    sources = [_Source(f"{path.name} ", _opener(path)) for path in files]
    for source in sources:
        _survey(source)
    if not any(s.events and not s.error for s in sources):
        raise InvalidInput(f"no readable MISP event in the feed directory {directory.name}")
    yield from _records(sources, missing)


@importer("misp", "MISP event JSON (event, list of events, restSearch response) or feed "
          "directory", sniff=_sniff, parse_directory=parse_feed)
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    def reopen() -> AbstractContextManager[IO[bytes]]:
        stream.seek(0)
        return nullcontext(stream)

    source = _Source("", reopen)
    _survey(source)
    if source.error:
        raise InvalidInput(source.error)
    yield from _records([source], [])


def _opener(path: Path) -> Callable[[], AbstractContextManager[IO[bytes]]]:
    return lambda: path.open("rb")


def _feed_files(directory: Path) -> tuple[list[Path], list[Rejection]]:
    manifest = directory / "manifest.json"
    if not manifest.is_file():
        files = sorted(p for p in directory.glob("*.json") if p.is_file())
        if not files:
            raise InvalidInput(f"{directory.name} is not a MISP feed: no manifest.json "
                               "and no event files")
        return files, []
    try:
        listed = orjson.loads(manifest.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"manifest.json of the MISP feed is not valid JSON: {exc}") from None
    if not isinstance(listed, dict):
        raise InvalidInput("manifest.json of the MISP feed is not an object of event uuids")
    files, missing = [], []
    for uuid in listed:
        path = directory / f"{uuid}.json"
        # The manifest names files by uuid: never a path that leaves the directory.
        if "/" not in uuid and "\\" not in uuid and path.is_file():
            files.append(path)
        else:
            missing.append(Rejection("manifest.json", str(uuid), "event file listed in the "
                                     "manifest is missing from the feed"))
    return files, missing


def _survey(source: _Source) -> None:
    """First pass: each event's title, tags and which of its galaxy tags have clusters."""
    try:
        with source.open() as stream:
            for found in walk(stream, frozenset({"Tag", "EventTag", "Galaxy"}),
                              frozenset({"info"})):
                _note(source, found)
    except InvalidInput as exc:
        source.error = str(exc)
        return
    if not source.events:
        source.error = _NO_EVENT
    elif not any(e.has_content for e in source.events):
        source.error = "not a MISP event: no info, Attribute or Object"
    for event in source.events:
        event.read = read_tags(tuple(event.tags))


def _note(source: _Source, found: EventStart | Item | Scalar | Key) -> None:
    if isinstance(found, EventStart):
        source.events.append(_Event(source.label + found.path))
        return
    event = source.events[found.event]
    if isinstance(found, Key):
        event.has_content = event.has_content or found.name in CONTENT_KEYS
    elif isinstance(found, Scalar):
        event.info = str(found.value) if found.value is not None else None
    elif found.section == "Galaxy" and isinstance(found.value, dict):
        event.cluster_tags |= {str(c["tag_name"]) for c in as_list(found.value.get(
            "GalaxyCluster")) if isinstance(c, dict) and c.get("tag_name")}
    else:
        tag = found.value.get("Tag") if found.section == "EventTag" and isinstance(
            found.value, dict) else found.value
        name = tag.get("name") if isinstance(tag, dict) else tag
        event.tags.append(str(name) if name else "")


def _records(sources: list[_Source], missing: list[Rejection]) -> Iterator[Record]:
    events = [e for s in sources for e in s.events if not s.error]
    first = events[0]
    doc_marking = loosest([e.read.marking for e in events])
    yield DocumentMeta(
        title=first.info, marking=doc_marking, evaluation=first.read.evaluation,
        themes=tuple(dict.fromkeys(t for e in events for t in e.read.themes)),
        tags=tuple(dict.fromkeys(t for e in events for t in e.read.other)))
    yield from missing
    seen = galaxies.Seen()
    for source in sources:
        if source.error:
            yield Rejection(source.label.strip() or "file", "", source.error)
            continue
        with source.open() as stream:
            yield from _second_pass(stream, source, doc_marking, seen)


def _second_pass(stream: IO[bytes], source: _Source, doc_marking: Marking | None,
                 seen: galaxies.Seen) -> Iterator[Record]:
    ctx = EventContext("$", None, doc_marking, seen)
    for found in walk(stream, frozenset({"Attribute", "Object", "Galaxy", *_NOT_READ})):
        if isinstance(found, EventStart):
            event = source.events[found.index]
            ctx = EventContext(event.path, event.read.marking, doc_marking, seen)
            yield from _event_tags(event, ctx)
        elif isinstance(found, Item):
            where = f"{ctx.path}.{found.section}[{found.index}]"
            if found.section == "Attribute":
                converted = attribute_records(found.value, where, ctx)
                yield from converted.records
                if converted.reason:
                    yield Rejection(where, converted.value, converted.reason)
            elif found.section == "Object":
                yield from object_records(found.value, where, ctx)
            elif found.section in _NOT_READ:
                yield Rejection(where, _label(found.value), _NOT_READ[found.section])
            else:
                yield from galaxies.galaxy_records(found.value, where, ctx.relative(None),
                                                   seen)[0]


def _label(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("name") or item.get("value") or item.get("uuid") or "")[:200]
    return str(item)[:200]


def _event_tags(event: _Event, ctx: EventContext) -> Iterator[Record]:
    """Rejections of unusable event tags; entities of galaxy tags that have no cluster."""
    for index, tag, reason in event.read.problems:
        yield Rejection(f"{event.path}.Tag[{index}]", tag, reason)
    for galaxy_type, name, tag in event.read.galaxies:
        if tag not in event.cluster_tags:
            location = f"{event.path}.Tag[{event.tags.index(tag)}]"
            yield from galaxies.tag_records(galaxy_type, name, tag, location,
                                            ctx.relative(None), ctx.seen)[0]
