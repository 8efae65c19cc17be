"""Pools filled before types were settled: their rows are re-typed and merged, nothing lost."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, delete, func, insert, select, update

from intelpool.db.retype import retype_observables
from intelpool.db.tables import (
    access_requests,
    hits,
    observables,
    observations,
    relationships,
    stix_ids,
    widespread,
)
from tests import factories as f
from tests.conftest import Store

ONION = "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion"
DAY = datetime(2024, 1, 1, tzinfo=UTC)


def _id(conn: Connection, kind: str, value: str) -> int:
    return int(conn.execute(select(observables.c.id).where(
        observables.c.type == kind, observables.c.value == value)).scalar_one())


def _old_row(conn: Connection, kind: str, value: str) -> int:
    """An observable as an older intelpool stored it, under the format's own type."""
    return int(conn.execute(insert(observables).values(type=kind, value=value)
                            .returning(observables.c.id)).scalar_one())


def test_rows_typed_the_old_way_merge_into_one_observable(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        police, bank = f.member(conn, "Police DE"), f.member(conn, "Bank NL", "private")
        a = f.submit_lines(conn, police, tmp_path, ["10.9.8.7"]).contribution_id
        b = f.submit_lines(conn, bank, tmp_path, [ONION, "198.51.100.9"]).contribution_id
        host, address = _id(conn, "hostname", ONION), _id(conn, "ipv4", "198.51.100.9")
        # Before: the police's STIX said domain-name, and it also listed the /32 block.
        domain, block = _old_row(conn, "domain", ONION), _old_row(conn, "cidr",
                                                                    "198.51.100.9/32")
        conn.execute(insert(observations).values(contribution_id=a, observable_id=domain,
                                                 first_seen=DAY.replace(day=9)))
        conn.execute(update(observations).where(observations.c.contribution_id == b,
                                                observations.c.observable_id == host)
                     .values(first_seen=DAY.replace(day=5), last_seen=DAY.replace(day=6)))
        conn.execute(insert(observations).values(  # the bank held both forms
            contribution_id=b, observable_id=domain, first_seen=DAY, last_seen=DAY))
        conn.execute(insert(observations).values(contribution_id=a, observable_id=block))
        hit = conn.execute(insert(hits).values(
            observable_a_id=address, observable_b_id=block, org_a_id=bank.organisation_id,
            org_b_id=police.organisation_id, kind="cidr", contribution_a_id=b,
            contribution_b_id=a, first_at=DAY, last_at=DAY).returning(hits.c.id)).scalar_one()
        conn.execute(insert(access_requests).values(
            hit_id=hit, contribution_id=a, requester_org_id=bank.organisation_id,
            requester_user_id=bank.user_id, holder_org_id=police.organisation_id,
            reason="case", status="pending", created_at=DAY))
        conn.execute(insert(widespread).values(observable_id=domain, organisations=11,
                                               first_at=DAY, last_at=DAY))
        conn.execute(insert(relationships).values(
            contribution_id=a, type="resolves-to", source_ref="x", target_ref="y",
            source_kind="observable", source_id=domain))

        assert retype_observables(conn) == 2
        assert retype_observables(conn) == 0

        stored = {(r.type, r.value) for r in conn.execute(select(observables))}
        assert stored == {("hostname", ONION), ("ipv4", "198.51.100.9"), ("ipv4", "10.9.8.7")}
        held = conn.execute(select(observations.c.contribution_id, observations.c.first_seen,
                                   observations.c.last_seen)
                            .where(observations.c.observable_id == host)
                            .order_by(observations.c.contribution_id)).all()
        assert [(c, s.day if s else None, e.day if e else None) for c, s, e in held] == [
            (a, 9, None), (b, 1, 6)]
        assert conn.execute(select(func.count()).select_from(observations).where(
            observations.c.observable_id == address)).scalar_one() == 2
        moved = conn.execute(select(hits)).mappings().one()
        assert (moved["kind"], moved["observable_a_id"], moved["observable_b_id"]) == (
            "exact", address, address)
        assert moved["org_a_id"] < moved["org_b_id"]
        assert conn.execute(select(access_requests.c.hit_id)).scalar_one() == moved["id"]
        assert conn.execute(select(widespread.c.observable_id)).scalar_one() == host
        assert conn.execute(select(relationships.c.source_id)).scalar_one() == host


def test_merging_leaves_no_observation_pointing_at_a_missing_row(
        store: Store, tmp_path: Path) -> None:
    """What the foreign keys of observations guarded, which PostgreSQL no longer has
    (migration 0024): a merge deletes the old observable only once none of its observations
    is left on it, and every observation still names an existing contribution."""
    with store.begin() as conn:
        police, bank = f.member(conn, "Police DE"), f.member(conn, "Bank NL", "private")
        a = f.submit_lines(conn, police, tmp_path, [ONION, "10.9.8.7"]).contribution_id
        b = f.submit_lines(conn, bank, tmp_path, ["203.0.113.7"]).contribution_id
        old_forms = [_old_row(conn, "domain", ONION), _old_row(conn, "cidr", "203.0.113.7/32")]
        for cid in (a, b):
            for old in old_forms:
                conn.execute(insert(observations).values(contribution_id=cid,
                                                         observable_id=old))

        assert retype_observables(conn) == 2
        orphans = conn.exec_driver_sql(
            "SELECT count(*) FROM observations o "
            "LEFT JOIN observables ob ON ob.id = o.observable_id "
            "LEFT JOIN contributions c ON c.id = o.contribution_id "
            "WHERE ob.id IS NULL OR c.id IS NULL").scalar_one()
        remaining = {r.type for r in conn.execute(select(observables.c.type).where(
            observables.c.id.in_(old_forms)))}
        held = conn.execute(select(func.count()).select_from(observations).where(
            observations.c.observable_id == _id(conn, "hostname", ONION))).scalar_one()
    assert orphans == 0
    assert remaining == set()  # both old forms merged away...
    assert held == 2  # ...and each contribution's sighting of the onion kept, once


def test_a_merged_observation_hands_its_stix_ids_to_its_twin(store: Store,
                                                           tmp_path: Path) -> None:
    """TAXII finds an object by id through the STIX index's row; an observation deleted by
    a merge must not leave that row naming nothing."""
    with store.begin() as conn:
        bank = f.member(conn, "Bank NL", "private")
        b = f.submit_lines(conn, bank, tmp_path, [ONION, "10.9.8.7"]).contribution_id
        host = _id(conn, "hostname", ONION)
        kept = conn.execute(select(observations.c.id).where(
            observations.c.contribution_id == b, observations.c.observable_id == host)
        ).scalar_one()
        twin = conn.execute(insert(observations).values(
            contribution_id=b, observable_id=_old_row(conn, "domain", ONION))
            .returning(observations.c.id)).scalar_one()
        other = conn.execute(select(observations.c.id).where(
            observations.c.contribution_id == b, observations.c.id.not_in([kept, twin]))
        ).scalar_one()
        conn.execute(delete(stix_ids))
        conn.execute(insert(stix_ids), [
            {"stix_key": k, "contribution_id": b, "row_kind": "o", "row_id": r, "part": 0,
             "renamed": False} for k, r in ((1, twin), (2, kept), (3, other))])

        assert retype_observables(conn) == 1
        named = dict(conn.execute(select(stix_ids.c.stix_key, stix_ids.c.row_id)).all())
        existing = set(conn.execute(select(observations.c.id)).scalars())
    assert named == {1: kept, 2: kept, 3: other}
    assert set(named.values()) <= existing
