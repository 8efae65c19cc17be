"""MISP through the pool: submit events, export them, submit the export, get the same back."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pymisp
from sqlalchemy import Connection, select

from intelpool.db.tables import (
    contribution_themes,
    contributions,
    entities,
    extra_objects,
    observables,
    observations,
    organisations,
    relationships,
)
from intelpool.pool.export import ExportRequest, export
from tests import factories as f
from tests.conftest import Store

DATA = Path(__file__).parents[2] / "data" / "misp"


def _owned(org: str) -> Any:
    return (select(contributions.c.id)
            .join(organisations, organisations.c.id == contributions.c.originator_id)
            .where(organisations.c.name == org))


def observed(conn: Connection, org: str) -> set[tuple[Any, ...]]:
    rows = conn.execute(
        select(observables.c.type, observables.c.value, observations.c.role,
               observations.c.to_ids, observations.c.comment, observations.c.first_seen,
               observations.c.last_seen, observations.c.tags, contributions.c.tlp,
               contributions.c.pap, contributions.c.handling_codes)
        .join(observables, observables.c.id == observations.c.observable_id)
        .join(contributions, contributions.c.id == observations.c.contribution_id)
        .where(observations.c.contribution_id.in_(_owned(org))))
    return {tuple(r) for r in rows}


def named(conn: Connection, org: str) -> set[tuple[Any, ...]]:
    rows = conn.execute(select(entities.c.kind, entities.c.name, entities.c.aliases,
                               entities.c.description)
                        .where(entities.c.contribution_id.in_(_owned(org))))
    return {tuple(r) for r in rows}


def linked(conn: Connection, org: str) -> set[tuple[Any, ...]]:
    out = set()
    rows = conn.execute(select(relationships).where(
        relationships.c.contribution_id.in_(_owned(org)))).mappings()
    for r in rows:
        out.add((r["type"], *(_end(conn, r[f"{end}_kind"], r[f"{end}_id"], r[f"{end}_ref"])
                              for end in ("source", "target"))))
    return out


def _end(conn: Connection, kind: str | None, ident: int | None, ref: str) -> tuple[Any, ...]:
    if kind == "entity":
        return tuple(conn.execute(select(entities.c.kind, entities.c.name)
                                  .where(entities.c.id == ident)).one())
    if kind == "observable":
        return tuple(conn.execute(select(observables.c.type, observables.c.value)
                                  .where(observables.c.id == ident)).one())
    # A MISP object is kept as an extra object; its uuid is new in every export.
    body = conn.execute(select(extra_objects.c.body).where(extra_objects.c.ref == ref)).scalar()
    if body is not None:
        return ("misp-object", orjson.loads(body)["name"])
    return ("unresolved", ref)


def handling(conn: Connection, contribution_id: int) -> tuple[Any, ...]:
    row = conn.execute(select(contributions).where(contributions.c.id == contribution_id)
                       ).mappings().one()
    themes = conn.execute(select(contribution_themes.c.theme).where(
        contribution_themes.c.contribution_id == contribution_id)).scalars()
    return (row["tlp"], row["pap"], row["handling_codes"], row["eval_scheme"],
            row["reliability"], row["credibility"], sorted(themes))


def test_event_submitted_exported_and_submitted_again(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        bank = f.member(conn, "Bank NL", kind="private", role="contributor")
        first = f.submit_file(conn, police, DATA / "event.json", tlp="green", codes=["H1"])
    assert first.format == "misp"
    assert (first.accepted, first.rejected, first.entities) == (23, 5, 4)
    assert len(first.parts) == 1  # the attribute marked tlp:red
    exported = tmp_path / "export.json"
    with store.begin() as conn, exported.open("wb") as out:
        export(conn, police, ExportRequest(format="misp"), out)
    events = orjson.loads(exported.read_bytes())["response"]
    assert len(events) == 2
    for event in events:
        pymisp.MISPEvent().load(copy.deepcopy(event))
    with store.begin() as conn:
        second = f.submit_file(conn, bank, exported, tlp="green")
    assert (second.format, second.rejected, len(second.parts)) == ("misp", 0, 1)
    with store.begin() as conn:
        police_obs = observed(conn, "Police DE")
        assert ("ipv4", "198.51.100.7", "c2", True, "C2 server") in {o[:5] for o in police_obs}
        assert ("ipv4", "192.0.2.99", "red") in {(o[0], o[1], o[8]) for o in police_obs}
        assert observed(conn, "Bank NL") == police_obs
        assert named(conn, "Bank NL") == named(conn, "Police DE")
        assert linked(conn, "Bank NL") == linked(conn, "Police DE")
        assert len(linked(conn, "Police DE")) == 7
        assert handling(conn, second.contribution_id) == handling(conn, first.contribution_id)
        assert handling(conn, first.contribution_id) == (
            "amber", "green", "H1", "admiralty", "B", "2", ["botnet", "online-fraud"])
        kept = conn.execute(select(extra_objects.c.type).where(
            extra_objects.c.contribution_id == second.contribution_id)).scalars().all()
        titles, tags = zip(*conn.execute(
            select(contributions.c.title, contributions.c.tags).where(contributions.c.id.in_(
                [first.contribution_id, second.contribution_id]))).all(), strict=True)
    assert kept == ["misp-object"]
    assert titles[0] and titles == (titles[0],) * 2  # the event's info travels both ways
    # Event tags the pool does not act on are kept, and exported with the event again.
    assert orjson.loads(tags[0]) == ["type:OSINT"]
    assert tags[1] == tags[0]
    assert "type:OSINT" in {t["name"] for t in events[0]["Event"]["Tag"]}


def test_a_feed_directory_is_submitted_as_one_contribution(store: Store) -> None:
    with store.begin() as conn:
        cert = f.member(conn, "CERT-EX", kind="cert", role="contributor")
        summary = f.submit_file(conn, cert, DATA / "feed", tlp="clear")
        assert (summary.format, summary.accepted, summary.rejected) == ("misp", 2, 1)
        assert len(summary.parts) == 1  # the second event is tlp:amber
        assert handling(conn, summary.contribution_id)[:2] == ("green", "clear")
        title = conn.execute(select(contributions.c.title).where(
            contributions.c.id == summary.contribution_id)).scalar_one()
    assert title == "Feed event one"


def test_a_restsearch_response_is_recognised_and_split_by_marking(store: Store) -> None:
    with store.begin() as conn:
        bank = f.member(conn, "Bank NL", kind="private", role="contributor")
        summary = f.submit_file(conn, bank, DATA / "collection.json")
        assert (summary.format, summary.accepted, summary.rejected) == ("misp", 2, 2)
        parts = [handling(conn, p)[:2] for p in summary.parts]
    assert parts == [("red", "red")]


def test_4x4_evaluation_and_handling_codes_come_back(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        bank = f.member(conn, "Bank NL", kind="private", role="contributor")
        first = f.submit_file(conn, police, DATA / "bare_event.json", tlp="amber",
                              audience=["org:Bank NL"], codes=["H2"], pap="amber",
                              reliability="X", credibility="3")
    exported = tmp_path / "export.json"
    with store.begin() as conn, exported.open("wb") as out:
        export(conn, bank, ExportRequest(format="misp"), out)
    with store.begin() as conn:
        second = f.submit_file(conn, bank, exported, tlp="green")
        assert handling(conn, first.contribution_id) == (
            "amber", "amber", "H2", "4x4", "X", "3", ["online-fraud"])
        assert handling(conn, second.contribution_id) == handling(conn, first.contribution_id)
        assert {o[:2] for o in observed(conn, "Bank NL")} == {
            o[:2] for o in observed(conn, "Police DE")}
