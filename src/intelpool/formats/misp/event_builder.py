"""One MISP event from one contribution's records (see ``exporter`` for the layout).

Where relationships go: from a MISP object (an extra object of type ``misp-object``) they are
the object's ``ObjectReference``s, and its ``contains`` links put the observations back inside
the object; from an observation they are MISP analyst-data ``Relationship``s on its attribute;
between two entities they are ``GalaxyClusterRelation``s. MISP has no place for the others
(from an entity to an observation, or from something the export does not carry), so a MISP
export leaves them out; the STIX export carries them.

Attribute, object and reference uuids are derived from the contribution and the record's ref
(the uuid it came with): MISP refuses an attribute uuid already held by another event, and two
partners may contribute the same event. A reference into another contribution's event (an
object pointing at an attribute marked stricter than the object) is therefore left dangling.
Galaxy clusters keep their own uuid: events share clusters. Observations that take part in
relationships are held until the contribution's observations are read, so every reference
points at a written uuid.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from intelpool.formats.export_records import (
    ExportEnd,
    ExportEntity,
    ExportExtraObject,
    ExportHandling,
    ExportObservation,
    ExportRelationship,
)
from intelpool.formats.misp import galaxies, types_map
from intelpool.formats.misp.categories import category_for
from intelpool.formats.misp.objects import CONTAINS, OBJECT_TYPE
from intelpool.formats.misp.tags import NS, handling_tags, machine_tag, split_tag

_NAMESPACE = uuid.UUID("6f1a4c52-3d0e-5b7a-9c1e-2a4b8d0f7e31")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DISTRIBUTION = {"clear": "3", "green": "1"}  # MISP: 3 all communities, 1 this community
_SOURCE_IDS = ("id", "galaxy_id", "tag_id", "event_tag_id", "org_id", "orgc_id", "event_id",
               "object_id", "sharing_group_id")
Key = tuple[str, str]


def local_uuid(cid: int, ref: str | None, *fallback: str) -> str:
    """The uuid of an event's part: derived from its contribution and its ref (else from what
    identifies it), so a re-export gives the same uuid and two contributions never share one."""
    seed = f"{cid}|ref|{ref}" if ref else "|".join((str(cid), *fallback))
    return str(uuid.uuid5(_NAMESPACE, seed))


def shared_uuid(ref: str) -> str:
    """The uuid of a galaxy cluster, which many events share: its own, else one from its ref."""
    return ref.lower() if _UUID.match(ref) else str(uuid.uuid5(_NAMESPACE, ref))


def _without_ids(item: dict[str, Any]) -> dict[str, Any]:
    """``item`` without the database ids of the MISP instance it came from."""
    return {k: v for k, v in item.items() if k not in _SOURCE_IDS}


def _ref(entity: ExportEntity) -> str:
    return entity.ref or f"entity:{entity.kind}:{entity.name}"


def _stamp(when: datetime) -> str:
    return str(int(when.timestamp()))


class EventBuilder:
    """Builds one event; ``attributes()`` streams, the rest is small and built at the end."""

    def __init__(self, handling: ExportHandling, generated_at: datetime,
                 entities: list[ExportEntity], relationships: list[ExportRelationship],
                 extras: list[ExportExtraObject]) -> None:
        self.handling, self.cid, self.generated_at = handling, handling.contribution_id, \
            generated_at
        self.entities = entities
        self.cluster_uuid = {_ref(e): shared_uuid(_ref(e)) for e in entities}
        self.objects: dict[str, dict[str, Any]] = {}
        for index, extra in enumerate(x for x in extras if x.type == OBJECT_TYPE):
            ref = extra.ref or f"object:{index}"
            body = _without_ids(extra.body)
            uid = local_uuid(self.cid, ref)
            kept = [{**_without_ids(a), "uuid": local_uuid(self.cid, a.get("uuid"), uid, str(n))}
                    for n, a in enumerate(body.get("Attribute") or []) if isinstance(a, dict)]
            body.update(uuid=uid, Attribute=kept, ObjectReference=[])
            self.objects[ref] = body
        self.members: dict[Key, list[tuple[dict[str, Any], str | None, str | None]]] = \
            defaultdict(list)
        self.outgoing: dict[Key, list[ExportRelationship]] = defaultdict(list)
        self.references: list[tuple[dict[str, Any], ExportRelationship]] = []
        self.cluster_relations: dict[str, list[ExportRelationship]] = defaultdict(list)
        self.involved: set[Key] = set()
        for rel in relationships:
            self._place(rel)
        self.held: dict[Key, ExportObservation] = {}
        self.uuid_of_ref: dict[tuple[Key, str], str] = {}
        self.primary: dict[Key, str] = {}
        self.by_uuid: dict[str, dict[str, Any]] = {}

    def _place(self, rel: ExportRelationship) -> None:
        source, target = rel.source, rel.target
        for end in (source, target):
            if end.kind == "observable" and end.type and end.value is not None:
                self.involved.add((end.type, end.value))
        obj = self.objects.get(source.ref or "") if source.kind == "external" else None
        if obj is not None and rel.type == CONTAINS and target.kind == "observable":
            relation = (rel.body or {}).get("object_relation")
            self.members[(str(target.type), str(target.value))].append((obj, relation,
                                                                        target.ref))
        elif obj is not None:
            self.references.append((obj, rel))
        elif source.kind == "observable":
            self.outgoing[(str(source.type), str(source.value))].append(rel)
        elif source.kind == "entity" and target.kind == "entity" and source.ref:
            self.cluster_relations[source.ref].append(rel)

    def header(self) -> dict[str, Any]:
        h = self.handling
        distribution = "0" if "H2" in h.codes else _DISTRIBUTION.get(h.tlp, "0")
        tags = handling_tags(h) + list(h.tags) + [
            galaxies.tag_name(galaxies.galaxy_of(e.kind, e.body), e.name) for e in self.entities]
        return {
            "uuid": local_uuid(self.cid, None, "contribution"),
            "info": h.title or f"intelpool contribution {self.cid} from {h.originator}",
            "date": self.generated_at.date().isoformat(),
            "timestamp": _stamp(self.generated_at), "published": False,
            "analysis": "2", "threat_level_id": "4", "distribution": distribution,
            "Orgc": {"name": h.originator}, "Tag": [{"name": t} for t in dict.fromkeys(tags)],
        }

    def attributes(self, observations: Iterator[ExportObservation]) -> Iterator[dict[str, Any]]:
        """Top-level attributes: unrelated ones as they come, related ones at the end."""
        for obs in observations:
            key = (obs.type, obs.value)
            if key in self.involved:
                self.held[key] = obs
            else:
                yield self._attribute(obs, local_uuid(self.cid, obs.ref, obs.type, obs.value))
        top = [obs for obs in self.held.values() if self._place_held(obs)]
        for rels in self.outgoing.values():
            for rel in rels:
                self._analyst_relationship(rel)
        for obs in top:
            yield self.by_uuid[self.primary[(obs.type, obs.value)]]

    def _place_held(self, obs: ExportObservation) -> bool:
        """Put a related observation into its objects; True when it is also top-level."""
        key = (obs.type, obs.value)
        member_refs = set()
        for obj, relation, ref in self.members.get(key, []):
            uid = local_uuid(self.cid, ref, obj["uuid"], obs.type, obs.value)
            attr = self._attribute(obs, uid)
            attr["object_relation"] = relation or attr["type"]
            obj["Attribute"].append(attr)
            self.by_uuid[uid] = attr
            self.uuid_of_ref[(key, ref or "")] = uid
            self.primary.setdefault(key, uid)
            member_refs.add(ref)
        if obs.ref in member_refs and obs.ref is not None:
            return False
        uid = local_uuid(self.cid, obs.ref, obs.type, obs.value)
        self.by_uuid[uid] = self._attribute(obs, uid)
        self.primary[key] = uid
        return True

    def _analyst_relationship(self, rel: ExportRelationship) -> None:
        source = self.by_uuid.get(self._end_uuid(rel.source))
        if source is None:
            return
        target = self._end_uuid(rel.target)
        related = {"observable": "Attribute", "entity": "GalaxyCluster"}.get(rel.target.kind)
        if rel.target.kind == "external" and rel.target.ref in self.objects:
            related = "Object"
        source.setdefault("Relationship", []).append({
            "uuid": local_uuid(self.cid, rel.ref, source["uuid"], rel.type, target),
            "object_uuid": source["uuid"], "object_type": "Attribute",
            "related_object_uuid": target, "related_object_type": related or "Attribute",
            "relationship_type": rel.type})

    def _end_uuid(self, end: ExportEnd) -> str:
        if end.kind == "observable":
            key = (str(end.type), str(end.value))
            found = self.uuid_of_ref.get((key, end.ref or "")) or self.primary.get(key)
            return found or local_uuid(self.cid, end.ref, key[0], key[1])
        if end.kind == "entity" and end.ref:
            return self.cluster_uuid.get(end.ref) or shared_uuid(end.ref)
        if end.ref in self.objects:
            return str(self.objects[end.ref]["uuid"])
        return local_uuid(self.cid, end.ref, "end")

    def _attribute(self, obs: ExportObservation, uid: str) -> dict[str, Any]:
        tags = [t for t in obs.tags if split_tag(t)[:2] != (NS, "misp-type")]
        mapped = self._misp_type(obs)
        if mapped is None:
            mapped = ("text", obs.value)
            tags.append(machine_tag(NS, "type", obs.type))
        attr: dict[str, Any] = {"uuid": uid, "type": mapped[0], "value": mapped[1],
                                "comment": obs.comment or "", "distribution": "5"}
        if obs.role:  # without a role MISP gives the type's default category
            attr["category"], carries_role = category_for(mapped[0], obs.role)
            if not carries_role:
                tags.append(machine_tag(NS, "role", obs.role))
        attr["Tag"] = [{"name": t} for t in tags]
        if obs.to_ids is not None:
            attr["to_ids"] = obs.to_ids
        if obs.first_seen:
            attr["first_seen"] = obs.first_seen.isoformat()
        if obs.last_seen:
            attr["last_seen"] = obs.last_seen.isoformat()
        if obs.last_seen or obs.first_seen:
            attr["timestamp"] = _stamp(obs.last_seen or obs.first_seen)  # type: ignore[arg-type]
        return attr

    @staticmethod
    def _misp_type(obs: ExportObservation) -> tuple[str, str] | None:
        """The MISP type the observation came with (an intelpool:misp-type tag), else default."""
        default = types_map.misp_type_for(obs.type, obs.value)
        for tag in obs.tags:
            namespace, predicate, stated = split_tag(tag)
            if (namespace, predicate) == (NS, "misp-type") and stated and default and \
                    types_map.imported_type(stated, default[1]) == obs.type:
                return stated, default[1]
        return default

    def objects_list(self) -> list[dict[str, Any]]:
        for obj, rel in self.references:
            reference = {"uuid": local_uuid(self.cid, rel.ref, obj["uuid"], rel.type),
                         "object_uuid": obj["uuid"],
                         "referenced_uuid": self._end_uuid(rel.target),
                         "relationship_type": rel.type}
            if (rel.body or {}).get("comment"):
                reference["comment"] = str((rel.body or {})["comment"])
            obj["ObjectReference"].append(reference)
        return list(self.objects.values())

    def galaxy_list(self) -> list[dict[str, Any]]:
        by_type: dict[str, dict[str, Any]] = {}
        for entity in self.entities:
            gtype = galaxies.galaxy_of(entity.kind, entity.body)
            galaxy = by_type.setdefault(gtype, self._galaxy(gtype, entity.body))
            galaxy["GalaxyCluster"].append(self._cluster(entity, gtype))
        return list(by_type.values())

    def _galaxy(self, gtype: str, body: dict[str, Any] | None) -> dict[str, Any]:
        known = galaxies.as_dict(galaxies.as_dict(body).get("galaxy"))
        own = gtype.startswith(galaxies.OWN_PREFIX)
        return {"uuid": known.get("uuid") or shared_uuid(f"galaxy:{gtype}"),
                "type": gtype, "name": known.get("name") or gtype,
                "namespace": known.get("namespace") or ("intelpool" if own else "misp"),
                "GalaxyCluster": []}

    def _cluster(self, entity: ExportEntity, gtype: str) -> dict[str, Any]:
        body = entity.body if entity.body and "galaxy" in entity.body else {}
        cluster = {k: v for k, v in _without_ids(body).items() if k != "galaxy"}
        meta = dict(galaxies.as_dict(cluster.get("meta")))
        meta["synonyms"] = list(entity.aliases)
        uid = self.cluster_uuid[_ref(entity)]
        cluster.update(uuid=uid, type=gtype, value=entity.name, meta=meta,
                       tag_name=galaxies.tag_name(gtype, entity.name),
                       description=entity.description or "", distribution="0",
                       GalaxyClusterRelation=[{
                           "galaxy_cluster_uuid": uid,
                           "referenced_galaxy_cluster_uuid": self._end_uuid(rel.target),
                           "referenced_galaxy_cluster_type": rel.type, "Tag": []}
                           for rel in self.cluster_relations.get(_ref(entity), [])])
        return cluster
