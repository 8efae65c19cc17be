"""Filling the index of the STIX ids the pool serves, when a contribution is stored.

Each object the contribution puts out gets a row keyed by its id (``pool/stix_ids.py``). A
versioned object whose id and version an earlier contribution already holds is a later copy:
it carries this contribution's markings, so every channel gives it an id of its own, and
its row says so (``renamed``), decided once here rather than per reader.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, BigInteger, Connection, any_, bindparam, select, text

from intelpool.db import bulk
from intelpool.db.tables import contributions, observables, observations, stix_ids
from intelpool.formats.export_records import ExportHandling
from intelpool.formats.stix import builders
from intelpool.pool import stix_objects
from intelpool.pool.export import held_earlier
from intelpool.pool.stix_ids import key

_BATCH = 10_000
_COLUMNS = ("stix_key", "contribution_id", "row_kind", "row_id", "part", "version", "renamed")


def record(conn: Connection, contribution_ids: Sequence[int], *, written: bool = False
           ) -> None:
    """Index the objects of freshly stored contributions (inside the storing transaction);
    ``written``: their observations are in the submission's scratch table
    (``pool/written.py``)."""
    bulk.create_temp_table(
        conn, "tmp_stix_ids", "stix_key BIGINT, contribution_id BIGINT, row_kind VARCHAR(1), "
        "row_id BIGINT, part INTEGER, version VARCHAR(40), renamed BOOLEAN")
    for cid in contribution_ids:
        _indicators(conn, cid, written)
        _others(conn, cid)
        _store(conn)  # before the next part, which looks for objects this one holds


def _store(conn: Connection) -> None:
    """Move the staged rows into the index in key order. The keys are digests, random: rows
    loaded as they come touched a random page of the key index each, and on PostgreSQL the
    first touch of a page after a checkpoint writes the whole page to the WAL (200,000
    rows: 2.7 s loaded as they came, 1.2 s in key order)."""
    columns = ", ".join(_COLUMNS)
    conn.exec_driver_sql(f"INSERT INTO stix_ids ({columns}) SELECT {columns} FROM tmp_stix_ids "
                         "ORDER BY stix_key")
    bulk.empty(conn, "tmp_stix_ids")


# A submission's observations from its scratch table: a selector new to the pool can be
# held earlier only by this submission's own contributions (no other transaction sees it),
# so only the selectors held before are looked up in ``observations``. Joining the
# observations to their observables again was planned as a nested loop over every row when
# the tables' statistics said empty.
_WRITTEN = (
    "SELECT w.observation_id, w.type, w.value, CASE WHEN w.fresh THEN w.earliest < "
    "w.contribution_id ELSE EXISTS (SELECT 1 FROM observations earlier WHERE "
    "earlier.observable_id = w.observable_id AND earlier.contribution_id < w.contribution_id) "
    "END FROM (SELECT t.*, min(t.contribution_id) OVER (PARTITION BY t.observable_id) "
    "AS earliest FROM tmp_written t) w WHERE w.contribution_id = {cid}")


# PostgreSQL: the keys were built while the batches were stored (``pool/staging.py``); a
# selector is indexed under its plain id unless it was held earlier, and under its own id
# always (see ``_indicators``). A selector repeated across batches was staged once for each.
_STAGED = (
    "INSERT INTO tmp_stix_ids (" + ", ".join(_COLUMNS) + ") SELECT x.stix_key, {cid}, 'o', "
    "j.observation_id, 0, NULL, false FROM (SELECT DISTINCT ON (w.observation_id) "
    "w.observation_id, w.earlier, k.plain_key, k.own_key FROM (" + _WRITTEN + ") "
    "AS w (observation_id, type, value, earlier) JOIN tmp_obs_keys k ON k.contribution_id = "
    "{cid} AND k.type = w.type AND k.value = w.value ORDER BY w.observation_id) j "
    "CROSS JOIN LATERAL (VALUES (CASE WHEN NOT j.earlier THEN j.plain_key END), "
    "(j.own_key)) AS x (stix_key) WHERE x.stix_key IS NOT NULL")


def _indicators(conn: Connection, cid: int, written: bool) -> None:
    if written and not bulk.is_sqlite(conn):
        bulk.analyze(conn, "tmp_obs_keys")
        conn.exec_driver_sql(_STAGED.format(cid=int(cid)))
        return
    query: Any = text(_WRITTEN.format(cid=int(cid))) if written else (
        select(observations.c.id, observables.c.type, observables.c.value,
               held_earlier().label("held_earlier"))
        .join(observables, observables.c.id == observations.c.observable_id)
        .where(observations.c.contribution_id == cid))
    # On PostgreSQL a submission stored at the same time may take an earlier contribution id
    # and commit after this one looked: the selector's own id is then this contribution's
    # after all, so a selector new to this one is indexed under both ids. (SQLite's single
    # writer stores contributions one after the other.)
    both = conn.dialect.name == "postgresql"
    found = conn.execute(query.execution_options(yield_per=_BATCH))
    for chunk in found.partitions():  # fetched a chunk at a time, not row by row
        rows: list[tuple[Any, ...]] = []
        for obs_id, kind, value, earlier in chunk:
            if not earlier:
                rows.append((key(builders.observation_id(kind, value)), cid, "o", obs_id, 0,
                             None, False))
            if earlier or both:
                rows.append((key(builders.observation_id(kind, value, str(cid))), cid, "o",
                             obs_id, 0, None, False))
        bulk.load_rows(conn, "tmp_stix_ids", _COLUMNS, rows)


def _others(conn: Connection, cid: int) -> None:
    received = conn.execute(select(contributions.c.received_at)
                            .where(contributions.c.id == cid)).scalar_one()
    handling = ExportHandling(contribution_id=cid, originator="", tlp="clear", pap="clear",
                              received_at=received)
    built = list(stix_objects.others(conn, None, handling, {}))
    versions = {(b.original_id, _version(b.body)) for b in built if _version(b.body)}
    held = _held_earlier(conn, cid, versions)
    rows = []
    for b in built:
        version = _version(b.body)
        renamed = version is not None and (b.original_id, version) in held
        ident = builders.later_copy_id(b.body, cid) if renamed else b.original_id
        rows.append((key(ident), cid, b.kind, b.row_id, b.part, version, renamed))
    bulk.load_rows(conn, "tmp_stix_ids", _COLUMNS, rows)


def _held_earlier(conn: Connection, cid: int,
                  wanted: set[tuple[str, str | None]]) -> set[tuple[str, str | None]]:
    """Which (id, version) pairs an earlier contribution holds under their own id."""
    by_key = {key(ident): ident for ident, _ in wanted}
    found: set[tuple[str, str | None]] = set()
    keys = sorted(by_key)
    # PostgreSQL takes the keys as one array in one statement; SQLite a list of bound values
    # per statement (500 keys a statement cost PostgreSQL a third of a STIX import's reads).
    sqlite = bulk.is_sqlite(conn)
    chunk = 500 if sqlite else max(len(keys), 1)
    for start in range(0, len(keys), chunk):
        part = keys[start:start + chunk]
        among = stix_ids.c.stix_key.in_(part) if sqlite else \
            stix_ids.c.stix_key == any_(bindparam("keys", part, type_=ARRAY(BigInteger)))
        for stix_key, version in conn.execute(
                select(stix_ids.c.stix_key, stix_ids.c.version).where(
                    among, stix_ids.c.contribution_id < cid, stix_ids.c.row_kind != "o",
                    ~stix_ids.c.renamed)):
            pair = (by_key[stix_key], version)
            if pair in wanted:
                found.add(pair)
    return found


def _version(body: dict[str, Any]) -> str | None:
    """The object's ``modified`` as stored: a kept body may hold anything there, so what is
    not a plain timestamp is stored as its digest (the same each time it is read)."""
    value = body.get("modified")
    if value is None:
        return None
    text = str(value)
    if len(text) <= 40 and text.isprintable():
        return text
    return "#" + hashlib.blake2b(text.encode(errors="replace"), digest_size=16).hexdigest()
