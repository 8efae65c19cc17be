"""The index of the STIX ids the pool serves (the ``stix_ids`` table): reads.

A row names one object a contribution puts out: an indicator (row kind ``o``, its
observation), an entity (``e``), a relationship (``r``) or a kept object (``x``), and the
part upgrading gave. Its key is 64 bits of a digest of the object's id, so a TAXII lookup by
id is an index probe; two ids sharing a key only cost building one object more, because
the caller builds each candidate and keeps those whose id matches. ``pool/stix_index.py``
fills the table when a contribution is stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, ScalarSelect, select

from intelpool.db.tables import stix_ids
from intelpool.formats.stix.builders import observation_id

Renamed = dict[tuple[str, int], frozenset[int]]


def key(stix_id: str) -> int:
    digest = hashlib.blake2b(stix_id.encode(errors="surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def indicator_keys(kind: str, value: str, contribution_id: int) -> tuple[int, int]:
    """The keys of a selector's two indicator ids (``builders.indicator_id``): the plain one
    of its first holder, and the one of its own a later holder ``contribution_id`` gives."""
    return (key(observation_id(kind, value)),
            key(observation_id(kind, value, str(contribution_id))))


def renamed_parts(conn: Connection, ids: ScalarSelect[Any]) -> Renamed:
    """The objects of these contributions that are later copies of an earlier contribution's
    object version, by (row kind, row id): the parts that go out under an id of their own."""
    found: dict[tuple[str, int], set[int]] = {}
    for kind, row_id, part in conn.execute(
            select(stix_ids.c.row_kind, stix_ids.c.row_id, stix_ids.c.part)
            .where(stix_ids.c.renamed, stix_ids.c.contribution_id.in_(ids))):
        found.setdefault((kind, int(row_id)), set()).add(int(part))
    return {k: frozenset(v) for k, v in found.items()}


def holders(wanted: Iterable[str]) -> Any:
    """SQL selecting (contribution id, row kind, row id) of the rows whose key is one of the
    ``wanted`` ids' keys; the caller adds the visibility predicate."""
    return (select(stix_ids.c.contribution_id, stix_ids.c.row_kind, stix_ids.c.row_id)
            .where(stix_ids.c.stix_key.in_(sorted({key(w) for w in wanted}))))
