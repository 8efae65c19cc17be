"""STIX through the pool: submit a bundle, export it, submit the export, get the same back."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, select

from intelpool.access.handling import TLP
from intelpool.db.tables import (
    contributions,
    entities,
    observables,
    observations,
    organisations,
    relationships,
)
from intelpool.formats.stix.bundle import first_pass
from intelpool.pool.export import ExportRequest, export
from tests import factories as f
from tests.conftest import Store

DATA = Path(__file__).parents[2] / "data" / "stix"


def _owned(conn: Connection, org: str) -> Any:
    return (select(contributions.c.id).join(
        organisations, organisations.c.id == contributions.c.originator_id)
        .where(organisations.c.name == org))


def observed(conn: Connection, org: str) -> set[tuple[Any, ...]]:
    rows = conn.execute(
        select(observables.c.type, observables.c.value, observations.c.role,
               observations.c.first_seen, observations.c.last_seen, observations.c.tags,
               observations.c.comment, observations.c.to_ids, contributions.c.tlp,
               contributions.c.pap, contributions.c.handling_codes, contributions.c.h3_text)
        .join(observables, observables.c.id == observations.c.observable_id)
        .join(contributions, contributions.c.id == observations.c.contribution_id)
        .where(observations.c.contribution_id.in_(_owned(conn, org))))
    return {tuple(r) for r in rows}


def named(conn: Connection, org: str) -> set[tuple[Any, ...]]:
    rows = conn.execute(
        select(entities.c.kind, entities.c.name, entities.c.aliases, entities.c.description,
               contributions.c.tlp, contributions.c.pap, contributions.c.handling_codes)
        .join(contributions, contributions.c.id == entities.c.contribution_id)
        .where(entities.c.contribution_id.in_(_owned(conn, org))))
    return {tuple(r) for r in rows}


def linked(conn: Connection, org: str) -> set[tuple[Any, ...]]:
    out = set()
    rows = conn.execute(select(relationships).where(
        relationships.c.contribution_id.in_(_owned(conn, org)))).mappings()
    for r in rows:
        ends = [_end(conn, r[f"{end}_kind"], r[f"{end}_id"], r[f"{end}_ref"])
                for end in ("source", "target")]
        out.add((r["type"], *ends))
    return out


def _end(conn: Connection, kind: str | None, ident: int | None, ref: str) -> tuple[Any, ...]:
    if kind == "entity":
        return tuple(conn.execute(select(entities.c.kind, entities.c.name)
                                  .where(entities.c.id == ident)).one())
    if kind == "observable":
        return tuple(conn.execute(select(observables.c.type, observables.c.value)
                                  .where(observables.c.id == ident)).one())
    return ("unresolved", ref)


def test_bundle_submitted_exported_and_submitted_again(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        bank = f.member(conn, "Bank NL", kind="private", role="contributor")
        first = f.submit_file(conn, police, DATA / "bundle21.json", tlp="green", pap="green",
                              codes=["H1"], reliability="B", credibility="2")
    assert first.format == "stix"
    assert (first.entities, first.relationships, first.extra_objects) == (8, 4, 8)
    # Three objects are marked stricter than the submitter's flags: three parts.
    assert len(first.parts) == 3
    exported = tmp_path / "export.json"
    with store.begin() as conn, exported.open("wb") as out:
        export(conn, police, ExportRequest(format="stix"), out)
    with store.begin() as conn:
        second = f.submit_file(conn, bank, exported, tlp="green")
    assert second.format == "stix"
    with store.begin() as conn:
        assert ("ipv4", "192.0.2.77", "c2") in {o[:3] for o in observed(conn, "Police DE")}
        assert observed(conn, "Bank NL") == observed(conn, "Police DE")
        assert named(conn, "Bank NL") == named(conn, "Police DE")
        assert linked(conn, "Bank NL") == linked(conn, "Police DE")
        reliability = conn.execute(select(contributions.c.reliability).where(
            contributions.c.id == second.contribution_id)).scalar_one()
    assert reliability == "B"


def test_pool_exports_carry_handling_codes_for_every_object(store: Store,
                                                           tmp_path: Path) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        f.submit_file(conn, police, DATA / "bundle20.json", tlp="amber", pap="amber",
                      codes=["H2"])
        out = io.BytesIO()
        export(conn, police, ExportRequest(format="stix"), out)
    bundle = out.getvalue()
    markings = first_pass(io.BytesIO(bundle)).markings
    marked = [o for o in orjson.loads(bundle)["objects"] if o["type"] != "marking-definition"]
    assert len(marked) > 10
    for obj in marked:
        facts = markings.facts(obj)
        assert (facts.tlp, facts.pap and facts.pap.value, facts.codes) == (
            TLP.AMBER, "amber", frozenset({"H2"})), obj["id"]


def test_a_misp_events_own_tags_travel_through_a_stix_export(store: Store,
                                                             tmp_path: Path) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        bank = f.member(conn, "Bank NL", kind="private", role="contributor")
        first = f.submit_file(conn, police, DATA.parent / "misp" / "event.json", tlp="green")
    exported = tmp_path / "export.json"
    with store.begin() as conn, exported.open("wb") as out:
        export(conn, police, ExportRequest(format="stix"), out)
    with store.begin() as conn:
        second = f.submit_file(conn, bank, exported, tlp="green")
        tags = conn.execute(select(contributions.c.tags).where(contributions.c.id.in_(
            [first.contribution_id, second.contribution_id])).order_by(contributions.c.id)
        ).scalars().all()
    assert second.format == "stix"
    assert [orjson.loads(t) for t in tags] == [["type:OSINT"], ["type:OSINT"]]
