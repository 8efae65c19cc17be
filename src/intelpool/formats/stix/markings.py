"""STIX data markings: TLP (1.0 and 2.0), PAP and handling codes, read and written.

Reading: marking definitions are learnt first (a bundle may define them after the objects
that use them); an object's effective marking is the strictest of its object markings and
granular markings. Writing: TLP uses the TLP 2.0 marking definitions of the OASIS extension;
PAP and handling codes are statement markings with ids derived from their text.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from intelpool.access.handling import PAP, TLP
from intelpool.errors import HandlingError
from intelpool.formats.export_records import ExportHandling
from intelpool.formats.records import Marking

TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_IDS = {
    TLP.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    TLP.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    TLP.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    TLP.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    TLP.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
# The predefined TLP 1.0 markings of STIX 2.0 and 2.1 (WHITE reads as CLEAR).
TLP1_IDS = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": TLP.CLEAR,
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": TLP.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": TLP.AMBER,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": TLP.RED,
}
# Ids of intelpool's statement markings are uuid5 of their statement in this namespace.
NAMESPACE = uuid.UUID("8e39b617-4d99-48e1-919d-5bb57299e11d")
_CREATED = "2022-10-01T00:00:00.000Z"
_CODE_TEXT = {
    "H0": "may be used for law-enforcement purposes",
    "H1": "not to be used as evidence in judicial proceedings without the originator's "
          "permission",
    "H2": "not to be disseminated without the originator's permission",
}
_CODE_STATEMENT = re.compile(r"^handling code (H[0-3])(?::\s*(.*))?$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Facts:
    """What markings say about one object."""

    tlp: TLP | None = None
    pap: PAP | None = None
    codes: frozenset[str] = frozenset()
    h3_text: str | None = None

    def merged(self, other: Facts) -> Facts:
        tlp = other.tlp if self.tlp is None else self.tlp.stricter(other.tlp or self.tlp)
        pap = other.pap if self.pap is None else self.pap.stricter(other.pap or self.pap)
        return Facts(tlp, pap, self.codes | other.codes, self.h3_text or other.h3_text)

    def marking(self) -> Marking | None:
        """The record marking: TLP, PAP and handling codes (H3 with its text)."""
        if self.tlp is None and self.pap is None and not self.codes and not self.h3_text:
            return None
        return Marking(tlp=self.tlp, pap=self.pap, codes=self.codes, h3_text=self.h3_text)


NO_FACTS = Facts()


def interpret(definition: dict[str, Any]) -> Facts | None:
    """What a marking-definition object means, or None when it is not TLP, PAP or a code."""
    ident = definition.get("id")
    if ident in TLP1_IDS:
        return Facts(tlp=TLP1_IDS[ident])
    extension = (definition.get("extensions") or {}).get(TLP2_EXTENSION)
    if isinstance(extension, dict) and isinstance(extension.get("tlp_2_0"), str):
        return _label_facts("TLP:" + extension["tlp_2_0"])
    kind = str(definition.get("definition_type") or "").lower()
    body = definition.get("definition")
    body = body if isinstance(body, dict) else {}
    texts = [definition.get("name")]
    if kind == "tlp":
        texts.insert(0, "TLP:" + str(body.get("tlp")))
    elif kind == "statement":
        texts.insert(0, body.get("statement"))
    for text in texts:
        if isinstance(text, str) and (facts := _label_facts(text.strip())) is not None:
            return facts
    return None


def _label_facts(text: str) -> Facts | None:
    try:
        if text[:4].upper() == "TLP:":
            return Facts(tlp=TLP.parse(text))
        if text[:4].upper() == "PAP:":
            return Facts(pap=PAP.parse(text))
    except HandlingError:
        return None
    match = _CODE_STATEMENT.match(text)
    if match is None:
        return None
    code = match.group(1).upper()
    if code != "H3":  # the text after H0-H2 only explains the code
        return Facts(codes=frozenset({code}))
    return Facts(codes=frozenset({code}), h3_text=(match.group(2) or "").strip() or None)


class MarkingTable:
    """Marking definitions of one bundle, plus the predefined TLP ones."""

    def __init__(self) -> None:
        self.known: dict[str, Facts] = {i: Facts(tlp=t) for i, t in TLP1_IDS.items()}
        self.known.update({i: Facts(tlp=t) for t, i in TLP2_IDS.items()})
        self._by_refs: dict[tuple[Any, ...], Marking | None] = {}

    def learn(self, definition: dict[str, Any]) -> bool:
        """Remember a marking definition; True when intelpool reads it as handling."""
        facts = interpret(definition)
        if facts is not None and isinstance(definition.get("id"), str):
            self.known[definition["id"]] = facts
            self._by_refs.clear()
        return facts is not None

    def marking(self, obj: dict[str, Any]) -> Marking | None:
        """The record marking of ``obj``; bundles repeat a few lists of marking refs, so the
        answer for each list of object markings (without granular ones) is remembered."""
        refs = obj.get("object_marking_refs")
        if "granular_markings" in obj or not isinstance(refs, list | None):
            return self.facts(obj).marking()
        try:
            key = tuple(refs) if refs else ()
            return self._by_refs[key]
        except TypeError:  # a ref that is not a string: nothing to remember it by
            return self.facts(obj).marking()
        except KeyError:
            if len(self._by_refs) > 1000:
                self._by_refs.clear()
            found = self._by_refs[key] = self.facts(obj).marking()
            return found

    def facts(self, obj: dict[str, Any], inherited: Facts = NO_FACTS) -> Facts:
        """The strictest marking applying to ``obj`` (object and granular markings)."""
        result = inherited
        for ref in _marking_refs(obj):
            facts = self.known.get(ref)
            if facts is not None:
                result = result.merged(facts)
        return result

    def without_handling(self, obj: dict[str, Any]) -> dict[str, Any]:
        """``obj`` without the markings the pool holds as handling (re-applied on export)."""
        refs = obj.get("object_marking_refs")
        granular = obj.get("granular_markings")
        if not (isinstance(refs, list) and any(r in self.known for r in refs)) and not (
                isinstance(granular, list) and any(isinstance(g, dict) and g.get("marking_ref")
                                                   in self.known for g in granular)):
            return obj
        out = dict(obj)
        if isinstance(refs, list):
            kept = [r for r in refs if r not in self.known]
            out["object_marking_refs"] = kept
            if not kept:
                del out["object_marking_refs"]
        if isinstance(granular, list):
            kept_granular = [g for g in granular
                             if not isinstance(g, dict) or g.get("marking_ref") not in self.known]
            out["granular_markings"] = kept_granular
            if not kept_granular:
                del out["granular_markings"]
        return out


def malformed_markings(obj: dict[str, Any]) -> str | None:
    """Why the marking references of ``obj`` cannot be read; None when they can.

    A reference that cannot be read might name the object's strictest marking, so such an
    object is rejected rather than stored under looser handling.
    """
    refs = obj.get("object_marking_refs")
    if refs is not None and not (isinstance(refs, list)
                                 and all(isinstance(r, str) for r in refs)):
        return "object_marking_refs is not a list of marking definition ids"
    granular = obj.get("granular_markings")
    if granular is not None and not (isinstance(granular, list) and all(
            isinstance(g, dict) and isinstance(g.get("marking_ref", ""), str)
            for g in granular)):
        return "granular_markings is not a list of granular markings"
    return None


def _marking_refs(obj: dict[str, Any]) -> Iterator[str]:
    refs = obj.get("object_marking_refs")
    if isinstance(refs, list):
        yield from (r for r in refs if isinstance(r, str))
    granular = obj.get("granular_markings")
    if isinstance(granular, list):
        for item in granular:
            if isinstance(item, dict) and isinstance(item.get("marking_ref"), str):
                yield item["marking_ref"]


def tlp_definition(tlp: TLP) -> dict[str, Any]:
    return {"type": "marking-definition", "spec_version": "2.1", "id": TLP2_IDS[tlp],
            "created": _CREATED, "name": f"TLP:{tlp.value.upper()}",
            "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension",
                                            "tlp_2_0": tlp.value}}}


def statement_definition(name: str, statement: str) -> dict[str, Any]:
    ident = f"marking-definition--{uuid.uuid5(NAMESPACE, statement)}"
    return {"type": "marking-definition", "spec_version": "2.1", "id": ident,
            "created": _CREATED, "name": name, "definition_type": "statement",
            "definition": {"statement": statement}}


def pap_definition(pap: PAP) -> dict[str, Any]:
    label = f"PAP:{pap.value.upper()}"
    return statement_definition(label, label)


def code_definition(code: str, h3_text: str | None = None) -> dict[str, Any]:
    text = h3_text if code == "H3" else _CODE_TEXT[code]
    statement = f"Handling code {code}: {text}" if text else f"Handling code {code}"
    return statement_definition(f"Handling code {code}", statement)


# Marking references the exporter replaces by the handling's own.
_REPLACED = frozenset(TLP1_IDS) | frozenset(TLP2_IDS.values()) | {
    pap_definition(p)["id"] for p in PAP} | {code_definition(c)["id"] for c in _CODE_TEXT}


class MarkingWriter:
    """Marking references for exported objects, and the definitions they need."""

    def __init__(self) -> None:
        self.used: dict[str, dict[str, Any]] = {}
        self._cache: dict[ExportHandling, list[str]] = {}

    def _use(self, definition: dict[str, Any]) -> str:
        self.used.setdefault(definition["id"], definition)
        return str(definition["id"])

    def refs(self, handling: ExportHandling) -> list[str]:
        cached = self._cache.get(handling)
        if cached is None:
            cached = [self._use(tlp_definition(TLP.parse(handling.tlp))),
                      self._use(pap_definition(PAP.parse(handling.pap)))]
            cached += [self._use(code_definition(c, handling.h3_text))
                       for c in sorted(handling.codes)]
            self._cache[handling] = cached
        return list(cached)

    def restamp(self, body: dict[str, Any], handling: ExportHandling) -> dict[str, Any]:
        """``body`` (a copy the caller owns) marked with ``handling``; foreign markings kept."""
        refs = self.refs(handling)
        old = body.get("object_marking_refs")
        foreign = [r for r in old if isinstance(r, str) and r not in _REPLACED
                   and r not in refs] if isinstance(old, list) else []
        body["object_marking_refs"] = refs + foreign
        granular = body.get("granular_markings")
        if isinstance(granular, list):
            body["granular_markings"] = [self._granular(g) for g in granular]
        return body

    def _granular(self, item: Any) -> Any:
        if not isinstance(item, dict):
            return item
        ref = str(item.get("marking_ref"))
        tlp = TLP1_IDS.get(ref) or next((t for t, i in TLP2_IDS.items() if i == ref), None)
        return item if tlp is None else {**item, "marking_ref": self._use(tlp_definition(tlp))}

    def definitions(self) -> Iterator[dict[str, Any]]:
        return iter(self.used.values())
