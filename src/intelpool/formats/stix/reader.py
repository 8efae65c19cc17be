"""One STIX object to intelpool records.

Entity-like objects become entities, relationships and sightings become relationships,
cyber-observable objects and indicator patterns become observations, and everything else is
kept verbatim as an extra object so it exports again. Bodies are kept as they came, except
for the handling the pool holds itself (TLP/PAP/handling-code markings and intelpool's own
``x_intelpool_*`` handling properties), which every export applies afresh.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import repeat
from typing import Any

import orjson

from intelpool.formats.records import (
    EntityRecord,
    ExtraObjectRecord,
    Marking,
    ObservationRecord,
    Record,
    Rejection,
    RelationshipRecord,
)
from intelpool.formats.stix.bundle import Knowledge, Window, parse_time
from intelpool.formats.stix.markings import malformed_markings
from intelpool.formats.stix.patterns import PatternError, parse
from intelpool.formats.stix.selectors import (
    CUSTOM_PREFIX,
    Resolve,
    extract,
    fully_captured,
    object_selectors,
)

ENTITY_TYPES = frozenset({
    "threat-actor", "intrusion-set", "malware", "tool", "campaign", "infrastructure", "identity",
    "attack-pattern", "vulnerability", "report", "location", "course-of-action", "note",
    "opinion", "grouping", "malware-analysis",
})
CUSTOM_ENTITY = "x-intelpool-entity"  # entities of kinds STIX has no object for
CUSTOM_EXTRA = "x-intelpool-extra"  # another format's extra object, carried whole
HANDLING_PROPERTIES = ("x_intelpool_originator", "x_intelpool_evaluation", "x_intelpool_themes",
                       "x_intelpool_tags")
_NO_WINDOW: Window = (None, None)


def snippet(value: Any) -> str:
    return orjson.dumps(value, default=str).decode()[:200]


class Reader:
    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.markings = knowledge.markings

    def read(self, index: int, obj: Any) -> Iterator[Record]:
        if not isinstance(obj, dict):
            yield Rejection(f"$.objects[{index}]", snippet(obj), "not a JSON object")
            return
        kind, ident = obj.get("type"), obj.get("id")
        location = ident if isinstance(ident, str) and ident else f"$.objects[{index}]"
        if not isinstance(kind, str) or not kind:
            yield Rejection(location, snippet(obj), "object has no type")
        elif not isinstance(ident, str) or not ident:
            yield Rejection(location, snippet(obj), f"{kind} object has no id")
        elif (problem := malformed_markings(obj)) is not None:
            yield Rejection(location, snippet(obj), problem)
        else:
            yield from self._read(kind, obj, location)

    def _read(self, kind: str, obj: dict[str, Any], ident: str) -> Iterator[Record]:
        marking = self.markings.marking(obj)
        if kind == "marking-definition":
            if ident not in self.markings.known:
                yield self._extra(kind, obj, ident, marking)
        elif kind == "indicator":
            yield from self._indicator(obj, ident, marking)
        elif kind in ENTITY_TYPES or kind == CUSTOM_ENTITY:
            yield self._entity(kind, obj, ident, marking)
        elif kind == "relationship":
            yield from self._relationship(obj, ident, marking)
        elif kind == "sighting":
            yield from self._sighting(obj, ident, marking)
        elif kind == "observed-data":
            yield from self._observed_data(obj, ident, marking)
        elif kind == CUSTOM_EXTRA and isinstance(obj.get("x_intelpool_body"), dict):
            ref = obj.get("x_intelpool_ref")
            yield ExtraObjectRecord(str(obj.get("x_intelpool_extra_type") or kind),
                                    obj["x_intelpool_body"], ident, marking=marking,
                                    ref=ref if isinstance(ref, str) else None)
        else:
            yield from self._observable(kind, obj, ident, marking)

    def body(self, obj: dict[str, Any]) -> dict[str, Any]:
        out = self.markings.without_handling(obj)
        if any(k in out for k in HANDLING_PROPERTIES):
            out = {k: v for k, v in out.items() if k not in HANDLING_PROPERTIES}
        return out

    def _extra(self, kind: str, obj: dict[str, Any], ident: str,
               marking: Marking | None) -> ExtraObjectRecord:
        return ExtraObjectRecord(kind, self.body(obj), ident, ref=ident, marking=marking)

    def _entity(self, kind: str, obj: dict[str, Any], ident: str,
                marking: Marking | None) -> EntityRecord:
        stated = obj.get("x_intelpool_kind")
        aliases = obj.get("aliases") or obj.get("x_mitre_aliases") or []
        description = obj.get("description")
        return EntityRecord(
            kind=stated if isinstance(stated, str) and stated else kind,
            name=entity_name(kind, obj), location=ident, ref=ident,
            description=description if isinstance(description, str) else None,
            aliases=tuple(dict.fromkeys(a for a in aliases if isinstance(a, str)))
            if isinstance(aliases, list) else (),
            body=self.body(obj), marking=marking)

    def _indicator(self, obj: dict[str, Any], ident: str,
                   marking: Marking | None) -> Iterator[Record]:
        pattern, pattern_type = obj.get("pattern"), obj.get("pattern_type", "stix")
        if not isinstance(pattern, str):
            yield Rejection(ident, snippet(pattern), "indicator has no pattern")
            return
        found = None
        if pattern_type == "stix":
            try:
                found = extract(parse(pattern))
            except PatternError as exc:
                # An invalid indicator would make every later export invalid STIX too.
                yield Rejection(ident, pattern[:200], f"pattern is not valid STIX: {exc}")
                return
        stated_type = obj.get("x_intelpool_type")
        if not isinstance(stated_type, str):
            # Only indicators from elsewhere are entities: one that intelpool exported for an
            # observation (it states x_intelpool_type) is that observation and nothing more.
            yield self._indicator_entity(obj, ident, pattern, marking)
        if found is None:
            yield Rejection(ident, pattern[:200], f"pattern type {pattern_type!r} is not read; "
                            "the indicator is kept without selectors")
            return
        for kind, value in found.found:
            if isinstance(stated_type, str) and len(found.found) == 1:
                kind = stated_type
            yield self._observation(obj, ident, kind, value, marking)
        for text, reason in found.unread:
            yield Rejection(ident, text, reason)

    def _indicator_entity(self, obj: dict[str, Any], ident: str, pattern: str,
                          marking: Marking | None) -> EntityRecord:
        name, description = obj.get("name"), obj.get("description")
        return EntityRecord(
            kind="indicator", location=ident, ref=ident, body=self.body(obj),
            name=name if isinstance(name, str) and name.strip() else pattern[:200],
            description=description if isinstance(description, str) else None,
            marking=marking)

    def _observation(self, obj: dict[str, Any], ident: str, kind: str, value: str,
                     marking: Marking | None) -> ObservationRecord:
        labels = obj.get("labels")
        description, role, to_ids = (obj.get("description"), obj.get("x_intelpool_role"),
                                     obj.get("x_intelpool_to_ids"))
        first, last = obj.get("x_intelpool_first_seen"), obj.get("x_intelpool_last_seen")
        if not any(map(str.startswith, obj, repeat("x_intelpool_"))):
            # Other producers (MISP among them) date an indicator by its validity window.
            first, last = obj.get("valid_from"), obj.get("valid_until")
        return ObservationRecord(
            value=value, location=ident, type=kind, ref=ident, marking=marking,
            role=role if isinstance(role, str) else None,
            first_seen=parse_time(first), last_seen=parse_time(last),
            tags=tuple(t for t in labels if isinstance(t, str)) if isinstance(labels, list)
            else (),
            comment=description if isinstance(description, str) else None,
            to_ids=to_ids if isinstance(to_ids, bool) else None)

    def _relationship(self, obj: dict[str, Any], ident: str,
                      marking: Marking | None) -> Iterator[Record]:
        kind, source, target = (obj.get("relationship_type"), obj.get("source_ref"),
                                obj.get("target_ref"))
        for name, value in (("relationship_type", kind), ("source_ref", source),
                            ("target_ref", target)):
            if not isinstance(value, str) or not value:
                yield Rejection(ident, snippet(obj), f"relationship has no {name}")
                return
        assert isinstance(kind, str) and isinstance(source, str) and isinstance(target, str)
        yield RelationshipRecord(kind, source, target, ident, ref=ident, body=self.body(obj),
                                 marking=marking)

    def _sighting(self, obj: dict[str, Any], ident: str,
                  marking: Marking | None) -> Iterator[Record]:
        """``sighting-of`` from the sighter (first where_sighted_refs, else the sighting
        itself) to what was sighted; the body keeps the sighting so it exports again."""
        target = obj.get("sighting_of_ref")
        if not isinstance(target, str) or not target:
            yield Rejection(ident, snippet(obj), "sighting has no sighting_of_ref")
            return
        where = obj.get("where_sighted_refs")
        source = where[0] if isinstance(where, list) and where and isinstance(where[0], str) \
            else ident
        yield RelationshipRecord("sighting-of", source, target, ident, ref=ident,
                                 body=self.body(obj), marking=marking)

    def _observed_data(self, obj: dict[str, Any], ident: str,
                       marking: Marking | None) -> Iterator[Record]:
        embedded = obj.get("objects")
        if isinstance(embedded, dict):  # STIX 2.0: the observed objects live inside
            window = (parse_time(obj.get("first_observed")), parse_time(obj.get("last_observed")))

            def resolve(ref: Any) -> str | None:
                target = embedded.get(ref) if isinstance(ref, str) else None
                return str(target["value"]) if isinstance(target, dict) and "value" in target \
                    else None

            for key, item in embedded.items():
                if isinstance(item, dict):
                    yield from self._selectors(item, f"{ident} objects.{key}", ident, window,
                                               resolve, marking)
        yield self._extra("observed-data", obj, ident, marking)

    def _observable(self, kind: str, obj: dict[str, Any], ident: str,
                    marking: Marking | None) -> Iterator[Record]:
        window = self.knowledge.windows.get(ident, _NO_WINDOW)
        if kind in ("ipv4-addr", "ipv6-addr"):
            self.knowledge.addresses.offer(obj)
        named = list(self._selectors(obj, ident, ident, window,
                                     self.knowledge.addresses.resolve, marking))
        yield from named
        body = self.body(obj)
        if not named or not fully_captured(body):
            yield ExtraObjectRecord(kind, body, ident, ref=ident, marking=marking)

    def _selectors(self, obj: dict[str, Any], location: str, ref: str, window: Window,
                   resolve: Resolve, marking: Marking | None) -> Iterator[Record]:
        """Observations of an observable object; nothing when its type names no selector."""
        found = object_selectors(obj, resolve)
        if found is None:
            return
        if not found:
            yield Rejection(location, snippet(obj), f"{obj.get('type')} object has no value")
        for kind, value in found:
            yield ObservationRecord(value=value, location=location, type=kind, ref=ref,
                                    first_seen=window[0], last_seen=window[1], marking=marking)


def entity_name(kind: str, obj: dict[str, Any]) -> str:
    """The object's name, or a label made from what it says when it has none."""
    candidates: list[Any] = [obj.get("name")]
    if kind == "note":
        candidates += [obj.get("abstract"), str(obj.get("content") or "")[:120]]
    elif kind == "opinion":
        candidates.append(f"opinion: {obj['opinion']}" if obj.get("opinion") else None)
    elif kind == "location":
        candidates += [obj.get(k) for k in ("city", "region", "country", "administrative_area")]
    elif kind == "malware-analysis":
        candidates.append(" ".join(str(obj[k]) for k in ("product", "result") if obj.get(k)))
    elif kind == "grouping":
        candidates.append(f"grouping: {obj['context']}" if obj.get("context") else None)
    elif kind.startswith(CUSTOM_PREFIX):
        candidates.append(obj.get("x_intelpool_kind"))
    candidates.append(obj.get("id"))
    return next(c for c in candidates if isinstance(c, str) and c.strip()).strip()
