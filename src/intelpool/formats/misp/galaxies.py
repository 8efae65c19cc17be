"""MISP galaxy clusters <-> intelpool entities.

A cluster (from a ``Galaxy`` list or a ``misp-galaxy:TYPE="NAME"`` tag) is an entity: its
kind comes from the galaxy type, its name is the cluster value, its aliases the cluster's
synonyms, its ref the cluster uuid (a tag alone gives the tag as ref). The cluster is kept as
the entity's body, with its galaxy, so an export writes it back as it came. Relations
between clusters (``GalaxyClusterRelation``) are relationships.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from intelpool.formats.misp.tags import machine_tag, split_tag
from intelpool.formats.records import EntityRecord, Marking, Record, Rejection, RelationshipRecord

_MALWARE = ("banker", "botnet", "ransomware", "rat", "stealer", "backdoor", "android", "ios",
            "malpedia", "cryptominers", "mitre-malware", "mitre-enterprise-attack-malware",
            "mitre-mobile-attack-malware")
_TOOL = ("tool", "exploit-kit", "tds", "mitre-tool", "mitre-enterprise-attack-tool",
         "mitre-mobile-attack-tool")
_INTRUSION_SET = ("mitre-intrusion-set", "mitre-enterprise-attack-intrusion-set",
                  "mitre-mobile-attack-intrusion-set", "mitre-pre-attack-intrusion-set",
                  "microsoft-activity-group")
_ATTACK_PATTERN = ("mitre-attack-pattern", "mitre-enterprise-attack-attack-pattern",
                   "mitre-mobile-attack-attack-pattern", "mitre-pre-attack-attack-pattern",
                   "attck4fraud")

KIND_OF_GALAXY: dict[str, str] = {
    "threat-actor": "threat-actor",
    **dict.fromkeys(_INTRUSION_SET, "intrusion-set"),
    **dict.fromkeys(_MALWARE, "malware"),
    **dict.fromkeys(_TOOL, "tool"),
    **dict.fromkeys(_ATTACK_PATTERN, "attack-pattern"),
    "branded-vulnerability": "vulnerability",
    "country": "location", "region": "location", "sector": "identity",
}
# Export: the galaxy an entity of a kind goes to when its body does not name one. Kinds
# without a MISP galaxy go to "intelpool-KIND", which an import reads back as KIND.
GALAXY_OF_KIND: dict[str, str] = {
    "threat-actor": "threat-actor", "intrusion-set": "mitre-intrusion-set",
    "malware": "malpedia", "tool": "tool", "attack-pattern": "mitre-attack-pattern",
    "vulnerability": "branded-vulnerability", "location": "country", "identity": "sector",
}
OWN_PREFIX = "intelpool-"


def kind_of(galaxy_type: str) -> str:
    if galaxy_type.startswith(OWN_PREFIX):
        return galaxy_type.removeprefix(OWN_PREFIX)[:32]
    return KIND_OF_GALAXY.get(galaxy_type, "other")


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (kept bodies hold anything)."""
    return value if isinstance(value, dict) else {}


def galaxy_of(kind: str, body: dict[str, Any] | None) -> str:
    named = as_dict(as_dict(body).get("galaxy")).get("type")
    if isinstance(named, str) and named:
        return named
    return GALAXY_OF_KIND.get(kind, f"{OWN_PREFIX}{kind}")


def tag_name(galaxy_type: str, name: str) -> str:
    return machine_tag("misp-galaxy", galaxy_type, name)


@dataclass(slots=True)
class Seen:
    """Entities already sent in this file, so a cluster tagged many times is one entity."""

    ref_of_tag: dict[str, str] = field(default_factory=dict)
    tag_of_ref: dict[str, str] = field(default_factory=dict)
    sent: set[tuple[str, Marking | None]] = field(default_factory=set)


def galaxy_records(galaxy: Any, location: str, marking: Marking | None,
                   seen: Seen) -> tuple[list[Record], list[str]]:
    """Records of one ``Galaxy`` item, and the refs of its clusters."""
    if not isinstance(galaxy, dict):
        return [Rejection(location, str(galaxy)[:200], "galaxy is not a JSON object")], []
    clusters = galaxy.get("GalaxyCluster") or []
    header = {k: galaxy[k] for k in ("type", "name", "uuid", "namespace") if k in galaxy}
    records: list[Record] = []
    refs: list[str] = []
    for index, cluster in enumerate(clusters if isinstance(clusters, list) else []):
        found, ref = cluster_records(cluster, header, f"{location}.GalaxyCluster[{index}]",
                                     marking, seen)
        records += found
        refs += [ref] if ref else []
    return records, refs


def cluster_records(cluster: Any, galaxy: dict[str, Any], location: str,
                    marking: Marking | None, seen: Seen) -> tuple[list[Record], str | None]:
    """The entity of one cluster (unless already sent) and its relations; and its ref."""
    if not isinstance(cluster, dict) or not isinstance(cluster.get("value"), str) \
            or not cluster["value"].strip():
        return [Rejection(location, str(cluster)[:200], "galaxy cluster without a value")], None
    value = cluster["value"].strip()
    gtype = str(cluster.get("type") or galaxy.get("type") or
                split_tag(str(cluster.get("tag_name") or ""))[1] or "unknown")
    tag = str(cluster.get("tag_name") or tag_name(gtype, value))
    ref = str(cluster.get("uuid") or tag)
    if seen.tag_of_ref.setdefault(ref, tag) != tag:
        ref = tag  # some exports give every cluster of a galaxy the galaxy's uuid
    seen.ref_of_tag[tag] = ref
    if (ref, marking) in seen.sent:
        return [], ref
    seen.sent.add((ref, marking))
    meta = cluster["meta"] if isinstance(cluster.get("meta"), dict) else {}
    synonyms = meta["synonyms"] if isinstance(meta.get("synonyms"), list) else []
    body = {k: v for k, v in cluster.items() if k not in ("GalaxyClusterRelation", "Galaxy")}
    body["galaxy"] = {**galaxy, "type": gtype}
    description = cluster.get("description")
    records: list[Record] = [EntityRecord(
        kind_of(gtype), value, location, ref=ref,
        description=description if isinstance(description, str) and description else None,
        aliases=tuple(str(s) for s in synonyms if s), body=body, marking=marking)]
    relations = cluster.get("GalaxyClusterRelation") or []
    for index, relation in enumerate(relations if isinstance(relations, list) else []):
        records.append(_relation(relation, ref, f"{location}.GalaxyClusterRelation[{index}]",
                                 marking))
    return records, ref


def _relation(relation: Any, ref: str, location: str, marking: Marking | None) -> Record:
    target = relation.get("referenced_galaxy_cluster_uuid") if isinstance(relation, dict) else None
    if not target:
        return Rejection(location, str(relation)[:200], "cluster relation without a target uuid")
    kind = str(relation.get("referenced_galaxy_cluster_type") or "related-to")[:64]
    return RelationshipRecord(kind, ref, str(target), location, marking=marking)


def tag_records(galaxy_type: str, value: str, tag: str, location: str,
                marking: Marking | None, seen: Seen) -> tuple[list[Record], str]:
    """The entity a ``misp-galaxy`` tag names, unless a cluster of that tag was already read."""
    ref = seen.ref_of_tag.setdefault(tag, tag)
    if (ref, marking) in seen.sent:
        return [], ref
    seen.sent.add((ref, marking))
    return [EntityRecord(kind_of(galaxy_type), value, location, ref=ref,
                         body={"galaxy": {"type": galaxy_type}, "tag_name": tag},
                         marking=marking)], ref
