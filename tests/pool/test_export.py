"""The export service: computed for one requester, relationships only with visible ends."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import IO

import pytest

from intelpool.access.handling import TLP
from intelpool.db.types import utcnow
from intelpool.errors import InvalidInput
from intelpool.formats.export_records import ExportData
from intelpool.formats.records import (
    EntityRecord,
    ImportOptions,
    Marking,
    ObservationRecord,
    Record,
    RelationshipRecord,
)
from intelpool.formats.registry import exporter, importer
from intelpool.pool.export import ExportRequest, export
from tests import factories as f
from tests.conftest import Store

CAPTURED: list[dict[str, list[object]]] = []


@exporter("capture-for-tests", "records as the exporter receives them",
          media_type="text/plain", extension="txt")
def _capture(data: ExportData, out: IO[bytes]) -> None:
    CAPTURED.append({"observations": list(data.observations()),
                     "entities": list(data.entities()),
                     "relationships": list(data.relationships())})
    out.write(b"captured")


@importer("linked-for-tests", "an observable, a malware and a red-marked actor, all linked")
def _linked(stream: IO[bytes], options: ImportOptions) -> object:
    records: list[Record] = [
        ObservationRecord("198.51.100.20", "line 1", ref="obs-1", role="c2"),
        EntityRecord("malware", "GreenLoader", "line 2", ref="malware-1"),
        EntityRecord("threat-actor", "Red Actor", "line 3", ref="actor-1",
                     marking=Marking(tlp=TLP.RED)),
        RelationshipRecord("indicates", "obs-1", "malware-1", "line 4"),
        RelationshipRecord("uses", "actor-1", "malware-1", "line 5"),
        RelationshipRecord("mentions", "obs-1", "outside--1", "line 6"),
    ]
    return iter(records)


def _run(store: Store, who: object, **kwargs: object) -> dict[str, list[object]]:
    CAPTURED.clear()
    with store.begin() as conn:
        export(conn, who, ExportRequest(format="capture-for-tests", **kwargs),  # type: ignore[arg-type]
               io.BytesIO())
    return CAPTURED[-1]


def test_export_is_computed_for_the_requester(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        bank = f.member(conn, "Bank NL", kind="private", role="reader")
        stranger = f.member(conn, "Stranger", kind="cert", role="admin")
        f.submit_lines(conn, police, tmp_path, ["198.51.100.1"], tlp="amber",
                       audience=["org:Bank NL"], themes=["botnet"], anonymous=True)
        f.submit_lines(conn, police, tmp_path, ["198.51.100.2"], tlp="red",
                       themes=["online-fraud"])
    got = _run(store, bank)
    [obs] = got["observations"]
    assert (obs.value, obs.handling.tlp, obs.handling.originator) == (  # type: ignore[attr-defined]
        "198.51.100.1", "amber", "a partner")
    assert _run(store, stranger) == {"observations": [], "entities": [], "relationships": []}
    assert len(_run(store, police)["observations"]) == 2
    assert [o.value for o in _run(store, police, themes=("online-fraud",))["observations"]] \
        == ["198.51.100.2"]  # type: ignore[attr-defined]
    assert _run(store, police, since=utcnow() + timedelta(days=1))["observations"] == []


def test_relationships_need_visible_ends(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "linked.txt"
    path.write_text("linked\n", encoding="utf-8")
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        bank = f.member(conn, "Bank NL", kind="private", role="reader")
        summary = f.submit_file(conn, police, path, tlp="green", fmt="linked-for-tests")
    assert len(summary.parts) == 1  # the red actor went to a stricter part
    mine = _run(store, police)
    assert {r.type for r in mine["relationships"]} == {  # type: ignore[attr-defined]
        "indicates", "uses", "mentions"}
    theirs = _run(store, bank)
    assert [e.name for e in theirs["entities"]] == ["GreenLoader"]  # type: ignore[attr-defined]
    rels = {r.type: r for r in theirs["relationships"]}  # type: ignore[attr-defined]
    assert set(rels) == {"indicates", "mentions"}
    assert (rels["indicates"].source.kind, rels["indicates"].source.value) == (
        "observable", "198.51.100.20")
    assert (rels["mentions"].target.kind, rels["mentions"].target.ref) == (
        "external", "outside--1")


def test_unknown_format_or_type_is_refused(store: Store) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        with pytest.raises(InvalidInput, match="unknown export format"):
            export(conn, police, ExportRequest(format="docx"), io.BytesIO())
        with pytest.raises(InvalidInput, match="unknown observable type 'bogus'"):
            export(conn, police, ExportRequest(format="capture-for-tests",
                                               observable_type="bogus"), io.BytesIO())
