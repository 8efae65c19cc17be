"""The ``stix`` exporter: one STIX 2.1 bundle, written object by object.

Observations become indicators whose ids derive from (type, value), so relationships find
them and the same export twice is identical. Entities, relationships and extra objects go
out as the STIX body they came with (made 2.1 where they were 2.0), else as objects built
from the record. Every object references the marking definitions of its handling (TLP 2.0,
PAP, handling codes); the definitions used close the bundle.
"""

from __future__ import annotations

import hashlib
from typing import IO, Any

import orjson

from intelpool.formats.export_records import (
    ExportData,
    ExportEnd,
    ExportEntity,
    ExportExtraObject,
    ExportHandling,
    ExportObservation,
    ExportRelationship,
)
from intelpool.formats.registry import exporter
from intelpool.formats.stix import builders
from intelpool.formats.stix.markings import MarkingWriter
from intelpool.formats.stix.reader import CUSTOM_ENTITY
from intelpool.formats.stix.upgrade import derived_id, stix_id_type, stix_time, upgrade


@exporter("stix", "STIX 2.1 bundle: indicators, entities, relationships, with TLP 2.0, PAP "
                  "and handling-code markings", media_type="application/stix+json;version=2.1",
          extension="json")
def write(data: ExportData, out: IO[bytes]) -> None:
    _BundleWriter(data, out).write()


class _BundleWriter:
    def __init__(self, data: ExportData, out: IO[bytes]) -> None:
        self.data, self.out = data, out
        self.markings = MarkingWriter()
        self.empty = True
        # Digests of the (type, value) pairs written: a pair seen again (another
        # contribution's observation) gets an id of its own, the first keeps the plain one.
        self.observables: set[bytes] = set()
        # Entity refs whose exported id differs from the ref, for relationship ends.
        self.entity_ids: dict[str, str] = {}
        # How often each (id, modified) was written: STIX allows one object per id and version.
        # Observations are not counted: their ids are unique by construction.
        self.written: dict[tuple[str, str | None], int] = {}

    def write(self) -> None:
        stamp = stix_time(self.data.generated_at)
        bundle_id = derived_id("bundle", self.data.requester, stamp)
        self.out.write(b'{"type":"bundle","id":' + orjson.dumps(bundle_id) + b',"objects":[')
        for observation in self.data.observations():
            self._observation(observation)
        for entity in self.data.entities():
            self._entity(entity)
        for relationship in self.data.relationships():
            self._relationship(relationship)
        for extra in self.data.extra_objects():
            self._extra(extra)
        for definition in self.markings.definitions():
            if self._place(definition, 0) is not None:
                self._emit(definition)
        self.out.write(b"]}")

    def _emit(self, obj: dict[str, Any]) -> None:
        if not self.empty:
            self.out.write(b",")
        self.empty = False
        self.out.write(orjson.dumps(obj))

    def _emit_marked(self, obj: dict[str, Any], handling: ExportHandling) -> str | None:
        """``obj`` in 2.1 form, after the objects upgrading split off it, each with the
        handling's markings; the id ``obj`` went out under (None: it was written already)."""
        ident = None
        for item in upgrade(obj):
            ident = self._place(item, handling.contribution_id)
            if ident is not None:
                self._write_marked(item, handling)
        return ident

    def _write_marked(self, item: dict[str, Any], handling: ExportHandling) -> None:
        self.markings.restamp(item, handling)
        item.update(builders.handling_properties(handling))
        self._emit(item)

    def _place(self, item: dict[str, Any], contribution_id: int) -> str | None:
        """The id ``item`` goes out under, None when it must not go out again.

        When two contributions hold the same object version, each copy carries its own
        contribution's markings, so a later copy gets an id of its own. Objects without versions
        (marking definitions, cyber observables) are the same object whoever holds them: once.
        """
        ident, modified = str(item["id"]), item.get("modified")
        if modified is not None:
            modified = str(modified)  # a kept body may hold anything there
        copies = self.written[ident, modified] = self.written.get((ident, modified), 0) + 1
        if copies == 1:
            return ident
        if modified is None:
            return None
        item["id"] = derived_id(str(item["type"]), ident, modified, str(contribution_id),
                                str(copies))
        return str(item["id"])

    def _observation(self, obs: ExportObservation) -> None:
        digest = hashlib.blake2b(f"{obs.type}\x1f{obs.value}".encode(), digest_size=16).digest()
        if digest in self.observables:
            ident = builders.observation_id(obs.type, obs.value, str(obs.handling.contribution_id))
        else:
            self.observables.add(digest)
            ident = builders.observation_id(obs.type, obs.value)
        for item in upgrade(builders.indicator(obs, ident, self.data.generated_at)):
            self._write_marked(item, obs.handling)

    def _entity(self, entity: ExportEntity) -> None:
        if builders.is_stix_object(entity.body):
            assert entity.body is not None
            body = dict(entity.body)
        else:
            body = builders.entity(entity, builders.entity_id(entity), self.data.generated_at)
        own_id = str(body["id"])
        # Relationships point at the first copy written: a later one has an id of its own.
        if self._emit_marked(body, entity.handling) == own_id and entity.ref != own_id \
                and entity.ref:
            self.entity_ids[entity.ref] = own_id

    def _end(self, end: ExportEnd) -> str:
        if end.kind == "observable" and end.type and end.value is not None:
            return builders.observation_id(end.type, end.value)
        ref = end.ref or ""
        if ref in self.entity_ids:
            return self.entity_ids[ref]
        return ref if stix_id_type(ref) else derived_id(CUSTOM_ENTITY, ref)

    def _relationship(self, rel: ExportRelationship) -> None:
        source, target = self._end(rel.source), self._end(rel.target)
        body = rel.body if builders.is_stix_object(rel.body) else None
        if body is not None and body["type"] == "relationship":
            body = dict(body)
            if rel.source.kind != "external":
                body["source_ref"] = source
            if rel.target.kind != "external":
                body["target_ref"] = target
        elif body is not None and body["type"] == "sighting":
            body = dict(body)
            if rel.target.kind != "external":
                body["sighting_of_ref"] = target
        else:
            body = builders.relationship(rel, source, target, self.data.generated_at)
        self._emit_marked(body, rel.handling)

    def _extra(self, extra: ExportExtraObject) -> None:
        if not builders.is_stix_object(extra.body):
            wrapped = builders.wrapped_extra(extra.type, extra.body, extra.ref,
                                             self.data.generated_at)
            self._emit_marked(wrapped, extra.handling)
        elif extra.body["type"] == "marking-definition":
            # Marking definitions cannot be versioned: they go out as they came, in 2.1 form.
            for item in upgrade(dict(extra.body)):
                if self._place(item, extra.handling.contribution_id) is not None:
                    self._emit(item)
        else:
            self._emit_marked(dict(extra.body), extra.handling)
