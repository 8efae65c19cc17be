"""Batching a submission's records into the store with set-based SQL.

Observations are deduplicated per batch in memory, loaded into a scratch table, and moved into
``observables``/``observations`` with two INSERT ... SELECT statements per batch; a selector
repeated in a later batch merges into its stored observation in the upsert, the same way.
Refs (source ids of records) go to a second scratch table so relationships resolve in SQL at
the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Connection

from intelpool.db import bulk
from intelpool.db.overlap import Writes
from intelpool.formats.records import ObservationRecord
from intelpool.matching.derive import keys
from intelpool.pool.stix_ids import indicator_keys

_OBS_COLUMNS = ("contribution_id", "type", "value", "first_seen", "last_seen", "role", "tags",
                "comment", "to_ids", "ref", "ip_lo", "ip_hi", "host", "rev_name")
_KEY_COLUMNS = ("plain_key", "own_key")
_SELECTOR = itemgetter(1, 2)
# The staged indicator keys (PostgreSQL), one row per staged selector: a selector repeated
# across batches has a row for each.
KEYS_COLUMNS = "contribution_id, type, value, plain_key, own_key"
KEYS_TABLE = ("contribution_id BIGINT, type VARCHAR(32), value TEXT, plain_key BIGINT, "
              "own_key BIGINT")


@dataclass(slots=True)
class _Merged:
    """A selector seen more than once in the file: one observation spanning the sightings."""

    first_seen: datetime | None
    last_seen: datetime | None
    role: str | None
    tags: tuple[str, ...]
    comment: str | None
    to_ids: bool | None
    ref: str | None


class ObservationStager:
    def __init__(self, conn: Connection, batch_size: int, writes: Writes) -> None:
        self.conn = conn
        self.batch_size = batch_size
        self.writes = writes  # a batch is stored while the next one is staged
        # Most selectors appear once: the record itself waits, and only a repeat makes a copy.
        self.pending: dict[tuple[int, str, str], ObservationRecord | _Merged] = {}
        self.refs: list[tuple[int, str, str, str]] = []
        self.records = 0
        self.times: dict[datetime, Any] = {}  # files repeat a few timestamps
        # PostgreSQL: each row carries its selector's two indicator keys, built here while
        # the server stores the batch before, for the index of served STIX ids
        # (``pool/stix_index.py``), which otherwise built them after the last batch.
        self.stix_keys = not bulk.is_sqlite(conn)
        self.columns = _OBS_COLUMNS + _KEY_COLUMNS if self.stix_keys else _OBS_COLUMNS
        self.merge = _merge_clause(conn)  # the upsert's SET clause, the same for every batch
        bulk.create_temp_table(
            conn, "tmp_obs",
            "contribution_id BIGINT, type VARCHAR(32), value TEXT, first_seen TIMESTAMP, "
            "last_seen TIMESTAMP, role VARCHAR(64), tags TEXT, comment TEXT, to_ids BOOLEAN, "
            "ref VARCHAR(200), ip_lo VARCHAR(32), ip_hi VARCHAR(32), host TEXT, rev_name TEXT"
            + (", plain_key BIGINT, own_key BIGINT" if self.stix_keys else ""),
        )
        if self.stix_keys:
            bulk.create_temp_table(conn, "tmp_obs_keys", KEYS_TABLE)
        bulk.create_temp_table(
            conn, "tmp_refs",
            "contribution_id BIGINT, ref VARCHAR(200), type VARCHAR(32), value TEXT",
        )

    def add(self, contribution_id: int, kind: str, value: str,
            record: ObservationRecord) -> None:
        """Stage ``record`` as an observation of the canonical ``kind``/``value``."""
        self.records += 1
        key = (contribution_id, kind, value)
        if record.ref:
            self.refs.append((contribution_id, record.ref, kind, value))
        seen = self.pending.get(key)
        if seen is None:
            self.pending[key] = record
            if len(self.pending) >= self.batch_size:
                self.flush()
            return
        if isinstance(seen, ObservationRecord):
            seen = self.pending[key] = _Merged(
                seen.first_seen, seen.last_seen or seen.first_seen, seen.role, seen.tags,
                seen.comment, seen.to_ids, seen.ref)
        _merge(seen, record)

    def flush(self) -> None:
        """Hand the staged batch to ``writes`` (the caller waits for it before it uses the
        connection itself)."""
        refs, self.refs = self.refs, []
        time = self._db_time
        rows: list[tuple[Any, ...]] = [
            (cid, kind, value, time(p.first_seen), time(p.last_seen or p.first_seen), p.role,
             orjson.dumps(p.tags).decode() if p.tags else None, p.comment, p.to_ids, p.ref,
             *keys(kind, value))
            for (cid, kind, value), p in self.pending.items()
        ]
        if self.stix_keys:
            rows = [(*row, *indicator_keys(row[1], row[2], row[0])) for row in rows]
            # In the order the server inserts them (type, value: code point order, as in
            # the "C" and "C.UTF-8" collations), so that its sort finds them sorted in one
            # pass; comparing text took a fifth of the observables' insert.
            rows.sort(key=_SELECTOR)
        self.pending = {}
        if refs or rows:
            self.writes.submit(self._store, refs, rows)

    def _store(self, refs: list[tuple[int, str, str, str]], rows: list[tuple[Any, ...]]
               ) -> None:
        conn = self.conn
        if refs:
            bulk.load_rows(conn, "tmp_refs", ("contribution_id", "ref", "type", "value"), refs)
        if not rows:
            return
        bulk.load_rows(conn, "tmp_obs", self.columns, rows)
        if self.stix_keys:
            conn.exec_driver_sql(f"INSERT INTO tmp_obs_keys SELECT {KEYS_COLUMNS} FROM tmp_obs")
        # "WHERE true" lets SQLite parse ON CONFLICT after INSERT ... SELECT.
        conn.exec_driver_sql(
            "INSERT INTO observables (type, value, ip_lo, ip_hi, host, rev_name) "
            "SELECT type, value, ip_lo, ip_hi, host, rev_name FROM tmp_obs WHERE true "
            # Key order keeps B-tree inserts local: several times faster on large batches.
            "ORDER BY type, value ON CONFLICT (type, value) DO NOTHING"
        )
        # On PostgreSQL each staged row finds its observable through the (type, value) index
        # (LATERAL, fenced): the scratch table has no statistics, and a guess of a few
        # thousand rows made a hash join that read every observable of the pool per batch.
        observable = "JOIN observables o ON o.type = t.type AND o.value = t.value" \
            if bulk.is_sqlite(conn) else "CROSS JOIN LATERAL (SELECT o.id FROM observables o " \
            "WHERE o.type = t.type AND o.value = t.value OFFSET 0) o"
        conn.exec_driver_sql(
            "INSERT INTO observations (contribution_id, observable_id, first_seen, last_seen, "
            "role, tags, comment, to_ids, ref) "
            "SELECT t.contribution_id, o.id, t.first_seen, t.last_seen, t.role, t.tags, "
            f"t.comment, t.to_ids, t.ref FROM tmp_obs t {observable} WHERE true "
            "ORDER BY t.contribution_id, o.id "
            f"ON CONFLICT (contribution_id, observable_id) DO UPDATE SET {self.merge}"
        )
        bulk.empty(conn, "tmp_obs")

    def _db_time(self, value: datetime | None) -> Any:
        if value is None:
            return None
        stored = self.times.get(value)
        if stored is None:
            if len(self.times) > 10_000:
                self.times.clear()
            stored = self.times[value] = bulk.db_time(self.conn, value)
        return stored


def _merge(seen: _Merged, record: ObservationRecord) -> None:
    first = record.first_seen
    if first and (seen.first_seen is None or first < seen.first_seen):
        seen.first_seen = first
    last = record.last_seen or first
    if last and (seen.last_seen is None or last > seen.last_seen):
        seen.last_seen = last
    tags, role = record.tags, record.role
    if role and seen.role and role != seen.role:
        tags = (*tags, f"role:{role}")  # one observation, several roles: keep them all
    seen.role = seen.role or role
    if tags:
        seen.tags = tuple(dict.fromkeys(seen.tags + tags))
    seen.comment = seen.comment or record.comment
    if record.to_ids is not None:
        seen.to_ids = bool(seen.to_ids) or record.to_ids


def _merge_clause(conn: Connection) -> str:
    """The upsert's SET clause: a selector repeated in a later batch of the same file merges
    into the stored observation exactly as ``_merge`` merges repeats within a batch."""
    old, new = "observations", "excluded"
    sqlite = bulk.is_sqlite(conn)
    least, greatest = bulk.least(conn), bulk.greatest(conn)
    second_role = (f"{old}.role IS NOT NULL AND {new}.role IS NOT NULL "
                   f"AND {old}.role <> {new}.role")
    role_tag = (f"json_insert(COALESCE({new}.tags, '[]'), '$[#]', 'role:' || {new}.role)"
                if sqlite else
                f"(COALESCE({new}.tags, '[]')::jsonb || jsonb_build_array('role:' || {new}.role)"
                ")::text")
    added = f"(CASE WHEN {second_role} THEN {role_tag} ELSE {new}.tags END)"
    tags = (f"CASE WHEN {added} IS NULL THEN {old}.tags WHEN {old}.tags IS NULL THEN {added} "
            f"ELSE {_tag_union(sqlite, f'{old}.tags', added)} END")
    return (
        f"first_seen = {least}(COALESCE({old}.first_seen, {new}.first_seen), "
        f"COALESCE({new}.first_seen, {old}.first_seen)), "
        f"last_seen = {greatest}(COALESCE({old}.last_seen, {new}.last_seen), "
        f"COALESCE({new}.last_seen, {old}.last_seen)), "
        f"role = COALESCE({old}.role, {new}.role), tags = {tags}, "
        f"comment = COALESCE({old}.comment, {new}.comment), "
        f"to_ids = CASE WHEN {new}.to_ids IS NULL THEN {old}.to_ids "
        f"ELSE COALESCE({old}.to_ids, false) OR {new}.to_ids END"
    )


def _tag_union(sqlite: bool, first: str, second: str) -> str:
    """Two JSON tag lists as one, each tag once, in first-seen order."""
    if sqlite:
        return ("(SELECT json_group_array(value) FROM (SELECT value, min(k) AS k FROM ("
                f"SELECT value, key AS k FROM json_each({first}) UNION ALL "
                f"SELECT value, 1000000 + key FROM json_each({second})) GROUP BY value "
                "ORDER BY k))")
    return ("(SELECT json_agg(v ORDER BY k)::text FROM (SELECT v, min(k) AS k FROM ("
            f"SELECT v, k FROM json_array_elements_text({first}::json) WITH ORDINALITY a(v, k) "
            f"UNION ALL SELECT v, 1000000 + k FROM json_array_elements_text({second}::json) "
            "WITH ORDINALITY b(v, k)) u GROUP BY v) m)")


# Column order of the rows the writer buffers for each object table.
OBJECT_COLUMNS = {
    "entities": ("contribution_id", "kind", "name", "ref", "description", "aliases", "body"),
    "relationships": ("contribution_id", "type", "source_ref", "target_ref", "ref", "body"),
    "extra_objects": ("contribution_id", "type", "ref", "body"),
}


def insert_objects(conn: Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    """Rows of one object table, in ``OBJECT_COLUMNS[table]`` order, loaded in bulk."""
    bulk.load_rows(conn, table, OBJECT_COLUMNS[table], rows)


def resolve_relationships(conn: Connection, contribution_ids: list[int]) -> None:
    """Point relationship ends at the entities or observables their refs name, in SQL.

    Entity refs win over observation refs (an indicator is both). Both maps are small
    scratch tables indexed on ``ref``, so every end is one index probe.
    """
    ids = ", ".join(str(int(i)) for i in contribution_ids)
    bulk.create_temp_table(conn, "tmp_entity_refs", "ref VARCHAR(200), id BIGINT")
    conn.exec_driver_sql(
        "INSERT INTO tmp_entity_refs (ref, id) SELECT ref, min(id) FROM entities "
        f"WHERE contribution_id IN ({ids}) AND ref IS NOT NULL GROUP BY ref")
    for table in ("tmp_entity_refs", "tmp_refs"):
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_{table}_ref ON {table} (ref)")
    bulk.analyze(conn, "tmp_entity_refs", "tmp_refs")
    for end in ("source", "target"):
        conn.exec_driver_sql(
            f"UPDATE relationships SET {end}_kind = 'entity', {end}_id = ("
            f"SELECT e.id FROM tmp_entity_refs e WHERE e.ref = relationships.{end}_ref) "
            f"WHERE contribution_id IN ({ids}) AND {end}_id IS NULL AND EXISTS ("
            f"SELECT 1 FROM tmp_entity_refs e WHERE e.ref = relationships.{end}_ref)"
        )
        conn.exec_driver_sql(
            f"UPDATE relationships SET {end}_kind = 'observable', {end}_id = ("
            f"SELECT min(o.id) FROM tmp_refs r JOIN observables o "
            f"ON o.type = r.type AND o.value = r.value WHERE r.ref = relationships.{end}_ref) "
            f"WHERE contribution_id IN ({ids}) AND {end}_id IS NULL AND EXISTS ("
            f"SELECT 1 FROM tmp_refs r WHERE r.ref = relationships.{end}_ref)"
        )
