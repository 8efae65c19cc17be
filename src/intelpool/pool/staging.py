"""Batching a submission's records into the store with set-based SQL.

Observations are deduplicated per batch in memory, loaded into a scratch table, and moved into
``observables``/``observations`` with two INSERT ... SELECT statements per batch. Refs (source
ids of records) go to a second scratch table so relationships resolve in SQL at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, insert

from intelpool.db import bulk
from intelpool.db.tables import entities, extra_objects, relationships
from intelpool.matching.derive import keys

_OBS_COLUMNS = ("contribution_id", "type", "value", "first_seen", "last_seen", "role", "tags",
                "comment", "to_ids", "ref", "ip_lo", "ip_hi", "host", "rev_name")


@dataclass(slots=True)
class _Pending:
    first_seen: datetime | None
    last_seen: datetime | None
    role: str | None
    tags: tuple[str, ...]
    comment: str | None
    to_ids: bool | None
    ref: str | None


class ObservationStager:
    def __init__(self, conn: Connection, batch_size: int) -> None:
        self.conn = conn
        self.batch_size = batch_size
        self.pending: dict[tuple[int, str, str], _Pending] = {}
        self.refs: list[tuple[int, str, str, str]] = []
        self.records = 0
        bulk.create_temp_table(
            conn, "tmp_obs",
            "contribution_id BIGINT, type VARCHAR(32), value TEXT, first_seen TIMESTAMP, "
            "last_seen TIMESTAMP, role VARCHAR(64), tags TEXT, comment TEXT, to_ids BOOLEAN, "
            "ref VARCHAR(200), ip_lo VARCHAR(32), ip_hi VARCHAR(32), host TEXT, rev_name TEXT",
        )
        bulk.create_temp_table(
            conn, "tmp_refs",
            "contribution_id BIGINT, ref VARCHAR(200), type VARCHAR(32), value TEXT",
        )

    def add(
        self,
        contribution_id: int,
        kind: str,
        value: str,
        *,
        first_seen: datetime | None = None,
        last_seen: datetime | None = None,
        role: str | None = None,
        tags: tuple[str, ...] = (),
        comment: str | None = None,
        to_ids: bool | None = None,
        ref: str | None = None,
    ) -> None:
        self.records += 1
        key = (contribution_id, kind, value)
        if ref:
            self.refs.append((contribution_id, ref, kind, value))
        seen = self.pending.get(key)
        if seen is None:
            self.pending[key] = _Pending(first_seen, last_seen or first_seen, role, tags,
                                         comment, to_ids, ref)
            if len(self.pending) >= self.batch_size:
                self.flush()
            return
        # The same selector again in this file: one observation spanning both sightings.
        if first_seen and (seen.first_seen is None or first_seen < seen.first_seen):
            seen.first_seen = first_seen
        last = last_seen or first_seen
        if last and (seen.last_seen is None or last > seen.last_seen):
            seen.last_seen = last
        if role and seen.role and role != seen.role:
            tags = (*tags, f"role:{role}")  # one observation, several roles: keep them all
        seen.role = seen.role or role
        if tags:
            seen.tags = tuple(dict.fromkeys(seen.tags + tags))
        seen.comment = seen.comment or comment
        seen.to_ids = seen.to_ids or to_ids

    def flush(self) -> None:
        conn = self.conn
        if self.refs:
            bulk.load_rows(conn, "tmp_refs", ("contribution_id", "ref", "type", "value"),
                           self.refs)
            self.refs = []
        if not self.pending:
            return
        rows = [
            (cid, kind, value, bulk.db_time(conn, p.first_seen), bulk.db_time(conn, p.last_seen),
             p.role, orjson.dumps(p.tags).decode() if p.tags else None, p.comment, p.to_ids,
             p.ref, *keys(kind, value))
            for (cid, kind, value), p in self.pending.items()
        ]
        self.pending = {}
        bulk.load_rows(conn, "tmp_obs", _OBS_COLUMNS, rows)
        least, greatest = bulk.least(conn), bulk.greatest(conn)
        # "WHERE true" lets SQLite parse ON CONFLICT after INSERT ... SELECT.
        conn.exec_driver_sql(
            "INSERT INTO observables (type, value, ip_lo, ip_hi, host, rev_name) "
            "SELECT type, value, ip_lo, ip_hi, host, rev_name FROM tmp_obs WHERE true "
            # Key order keeps B-tree inserts local: several times faster on large batches.
            "ORDER BY type, value ON CONFLICT (type, value) DO NOTHING"
        )
        conn.exec_driver_sql(
            "INSERT INTO observations (contribution_id, observable_id, first_seen, last_seen, "
            "role, tags, comment, to_ids, ref) "
            "SELECT t.contribution_id, o.id, t.first_seen, t.last_seen, t.role, t.tags, "
            "t.comment, t.to_ids, t.ref FROM tmp_obs t "
            "JOIN observables o ON o.type = t.type AND o.value = t.value WHERE true "
            "ORDER BY t.contribution_id, o.id "
            "ON CONFLICT (contribution_id, observable_id) DO UPDATE SET "
            f"first_seen = {least}(COALESCE(observations.first_seen, excluded.first_seen), "
            "COALESCE(excluded.first_seen, observations.first_seen)), "
            f"last_seen = {greatest}(COALESCE(observations.last_seen, excluded.last_seen), "
            "COALESCE(excluded.last_seen, observations.last_seen)), "
            "role = COALESCE(observations.role, excluded.role), "
            "tags = COALESCE(observations.tags, excluded.tags)"
        )
        conn.exec_driver_sql("DELETE FROM tmp_obs")


def insert_entities(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(entities), rows)


def insert_relationships(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(relationships), rows)


def insert_extra_objects(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(extra_objects), rows)


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
