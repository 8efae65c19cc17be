"""Entity resolution: the names partners write differently for one thing become one cluster.

Two entities of the same kind are one cluster when any of their names, aliases (STIX
``aliases``, MISP galaxy synonyms) or ATT&CK ids agree after folding case, accents, spacing
and punctuation. Entities of different kinds are never merged on a name alone. Pure: rows
in, clusters out; the rows are entities only (a few per contribution), never observations.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import orjson

# Kinds that name no criminal thing: the indicator objects behind selectors and the
# identities of partners themselves.
NOT_RESOLVED = frozenset({"indicator", "identity", "marking-definition", "report", "note",
                          "opinion", "grouping", "observed-data", "sighting"})
_ATTACK_ID = re.compile(r"^(?:TA|[GSTCM])\d{4}(?:\.\d{3})?$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """A name as compared: case, accents, spacing and punctuation folded away (kept per
    name: partners write the same few names thousands of times)."""
    text = unicodedata.normalize("NFKD", name).casefold()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True, slots=True)
class EntityRow:
    id: int
    contribution_id: int
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    body: str | None = None


@dataclass(slots=True)
class Cluster:
    index: int
    kind: str
    name: str
    names: list[str]
    entity_ids: list[int]
    contribution_ids: list[int]
    attack_ids: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """A stable identifier: kind and folded first name (unchanged while the data is)."""
        return f"{self.kind}:{fold(self.name)}"


def attack_ids(name: str, aliases: Iterable[str], body: str | None) -> list[str]:
    """ATT&CK ids an entity states: as a name or alias, or in its source object."""
    found = [n.upper() for n in (name, *aliases) if _ATTACK_ID.match(n.strip())]
    if body:
        try:
            parsed: Any = orjson.loads(body)
        except orjson.JSONDecodeError:
            parsed = None
        if isinstance(parsed, dict):
            found += _body_ids(parsed)
    return sorted(set(found))


def _body_ids(body: dict[str, Any]) -> list[str]:
    out: list[str] = []
    refs = body.get("external_references")
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict) and str(ref.get("source_name", "")).startswith("mitre"):
            value = str(ref.get("external_id", ""))
            if _ATTACK_ID.match(value):
                out.append(value.upper())
    meta = body.get("meta")
    ids = meta.get("external_id") if isinstance(meta, dict) else None
    for value in ids if isinstance(ids, list) else [ids] if ids else []:
        if _ATTACK_ID.match(str(value)):
            out.append(str(value).upper())
    return out


def resolve(rows: Iterable[EntityRow]) -> list[Cluster]:
    """Clusters in a stable order (kind, then folded name); rows of unresolved kinds skipped."""
    kept = [r for r in rows if r.kind not in NOT_RESOLVED and fold(r.name)]
    parent = list(range(len(kept)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[str, str], int] = {}
    ids_of: list[list[str]] = []
    for i, row in enumerate(kept):
        ids = attack_ids(row.name, row.aliases, row.body)
        ids_of.append(ids)
        keys = {fold(n) for n in (row.name, *row.aliases) if fold(n)} | {f"#{a}" for a in ids}
        for key in keys:
            j = owner.setdefault((row.kind, key), i)
            if j != i:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(kept)):
        groups.setdefault(find(i), []).append(i)
    clusters = [_cluster([kept[i] for i in members], [ids_of[i] for i in members])
                for members in groups.values()]
    clusters.sort(key=lambda c: (c.kind, fold(c.name), c.name))
    for index, cluster in enumerate(clusters):
        cluster.index = index
    return clusters


def _cluster(rows: list[EntityRow], ids: list[list[str]]) -> Cluster:
    named = Counter(r.name for r in rows)
    # The name most partners write, ties broken by the text itself, so it never flips.
    name = min(named, key=lambda n: (-named[n], n))
    names = sorted({r.name for r in rows} | {a for r in rows for a in r.aliases if a.strip()})
    return Cluster(0, rows[0].kind, name, names, sorted(r.id for r in rows),
                   sorted({r.contribution_id for r in rows}),
                   sorted({a for group in ids for a in group}))
