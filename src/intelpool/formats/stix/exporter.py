"""The ``stix`` exporter: one STIX 2.1 bundle, written object by object.

Observations become indicators whose ids derive from (type, value), so relationships find
them and the same export twice is identical; a selector an earlier contribution holds too
gets an id of its own, and so does a later copy of an object version (the same ids as on
TAXII pages). Objects built from records are dated by their contribution's arrival.
Entities, relationships and extra objects go out as the STIX body they came with (made 2.1
where they were 2.0), else as objects built from the record. Every object references the
marking definitions of its handling (TLP 2.0, PAP, handling codes); the definitions used
close the bundle.
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
from intelpool.formats.stix.upgrade import derived_id, stix_time, upgrade


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
        self.plain: set[bytes] = set()  # digests of the plain indicator ids written
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

    def _emit_marked(self, obj: dict[str, Any], handling: ExportHandling,
                     renamed: frozenset[int] = frozenset()) -> str | None:
        """``obj`` in 2.1 form, after the objects upgrading split off it, each with the
        handling's markings; the id ``obj`` went out under (None: it was written already).
        The ``renamed`` parts are later copies of versions an earlier contribution holds."""
        ident = None
        for part, item in enumerate(upgrade(obj)):
            if part in renamed:
                item["id"] = builders.later_copy_id(item, handling.contribution_id)
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
        stamp = obs.handling.received_at or self.data.generated_at
        ident = builders.indicator_id(obs)
        if not obs.held_earlier:
            # Records that do not say whether an earlier contribution holds the selector:
            # the first one written keeps the plain id.
            digest = hashlib.blake2b(ident.encode(), digest_size=16).digest()
            if digest in self.plain:
                ident = builders.observation_id(obs.type, obs.value,
                                                str(obs.handling.contribution_id))
            self.plain.add(digest)
        for item in upgrade(builders.indicator(obs, ident, stamp)):
            self._write_marked(item, obs.handling)

    def _entity(self, entity: ExportEntity) -> None:
        if builders.is_stix_object(entity.body):
            assert entity.body is not None
            body = dict(entity.body)
        else:
            body = builders.entity(entity, builders.entity_id(entity), self._stamp(entity))
        own_id = str(body["id"])
        # Relationships point at the first copy written: a later one has an id of its own.
        written = self._emit_marked(body, entity.handling, entity.renamed)
        if written == own_id and entity.ref and entity.ref != own_id:
            self.entity_ids[entity.ref] = own_id

    def _stamp(self, record: ExportEntity | ExportRelationship | ExportExtraObject) -> Any:
        return record.handling.received_at or self.data.generated_at

    def _end(self, end: ExportEnd) -> str:
        if end.kind != "observable" and end.ref in self.entity_ids:
            return self.entity_ids[str(end.ref)]
        return builders.end_id(end)

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
            body = builders.relationship(rel, source, target, self._stamp(rel))
        self._emit_marked(body, rel.handling, rel.renamed)

    def _extra(self, extra: ExportExtraObject) -> None:
        if not builders.is_stix_object(extra.body):
            wrapped = builders.wrapped_extra(extra.type, extra.body, extra.ref,
                                             self._stamp(extra))
            self._emit_marked(wrapped, extra.handling, extra.renamed)
        elif extra.body["type"] == "marking-definition":
            # Marking definitions cannot be versioned: they go out as they came, in 2.1 form.
            for item in upgrade(dict(extra.body)):
                if self._place(item, extra.handling.contribution_id) is not None:
                    self._emit(item)
        else:
            self._emit_marked(dict(extra.body), extra.handling, extra.renamed)
