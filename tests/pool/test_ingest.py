"""Submitting files: summaries, deduplication, rejections, one transaction."""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select

from intelpool.access.handling import HandlingRequest
from intelpool.db.tables import contributions, observables, observations
from intelpool.errors import Forbidden, HandlingError, InvalidInput, NotFound
from intelpool.formats.records import Rejection
from intelpool.pool import ingest
from tests import factories as f
from tests.conftest import Store


def _count(store: Store, table: object) -> int:
    with store.begin() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_summary_counts_accepted_duplicates_and_rejected(store: Store, tmp_path: Path) -> None:
    lines = ["hxxp://evil[.]example.com/a", "1.2.3.4", "1.2.3.4", "no selector here",
             "# a comment", "", "EVIL.example.com", "evil.example.com."]
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        summary = f.submit_lines(conn, de, tmp_path, lines)
    assert (summary.accepted, summary.duplicates, summary.rejected) == (3, 2, 1)
    assert _count(store, observables) == 3


def test_rejections_name_location_and_reason(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "l.txt"
    path.write_text("1.2.3.4\n999.1.2.3\nexample.com\n", encoding="utf-8")
    seen: list[Rejection] = []
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        sub = ingest.Submission(path=path, handling=HandlingRequest(tlp="green"))
        ingest.submit(conn, de, sub, on_rejection=seen.append)
    assert [(r.location, r.value) for r in seen] == [("line 2", "999.1.2.3")]
    assert "not an IPv4 address" in seen[0].reason


def test_observations_merge_across_batches(store: Store, tmp_path: Path) -> None:
    # factories submit with batch_size=50: the repeats land in a later batch.
    lines = [f"10.0.{i // 250}.{i % 250}" for i in range(120)] * 2
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        summary = f.submit_lines(conn, de, tmp_path, lines)
    assert (summary.accepted, summary.duplicates) == (120, 120)
    assert _count(store, observations) == 120


def _stored_details(store: Store, contribution_id: int, value: str) -> tuple[object, ...]:
    with store.begin() as conn:
        row = conn.execute(
            select(observations.c.first_seen, observations.c.last_seen, observations.c.role,
                   observations.c.tags, observations.c.comment, observations.c.to_ids)
            .join(observables, observables.c.id == observations.c.observable_id)
            .where(observations.c.contribution_id == contribution_id,
                   observables.c.value == value)).one()
    return (*row[:3], orjson.loads(row.tags), *row[4:])


@pytest.mark.parametrize("gap", [1, 80], ids=["same batch", "later batch"])
def test_a_repeated_selector_keeps_every_detail(store: Store, tmp_path: Path,
                                                gap: int) -> None:
    """Nothing a repeat says is dropped, wherever the batches (50 rows here) fall."""
    filler = [f"ipv4,10.1.{i // 200}.{i % 200},,,,,,\n" for i in range(gap - 1)]
    path = tmp_path / "repeat.csv"
    path.write_text(
        "type,value,first_seen,last_seen,role,tags,comment,to_ids\n"
        "domain,evil.example,2024-03-02,2024-03-05,c2,botnet;emotet,first note,\n"
        + "".join(filler)
        + "domain,evil.example,2024-02-01,2024-04-01,panel,emotet;tier-1,second note,true\n",
        encoding="utf-8")
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        summary = f.submit_file(conn, de, path)
    first, last, role, tags, comment, to_ids = _stored_details(
        store, summary.contribution_id, "evil.example")
    assert (first.date().isoformat(), last.date().isoformat()) == ("2024-02-01", "2024-04-01")
    assert (role, comment, to_ids) == ("c2", "first note", True)
    assert tags == ["botnet", "emotet", "tier-1", "role:panel"]


def test_same_file_same_handling_is_not_stored_twice(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "l.txt"
    path.write_text("1.2.3.4\n", encoding="utf-8")
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        first = f.submit_file(conn, de, path)
        again = f.submit_file(conn, de, path)
        stricter = f.submit_file(conn, de, path, tlp="amber")
    assert again.already_submitted and again.contribution_id == first.contribution_id
    assert not stricter.already_submitted
    assert _count(store, contributions) == 2


def test_the_same_file_sent_twice_at_once_is_stored_once(store: Store, tmp_path: Path) -> None:
    """A script retrying a slow upload sends the file again while the first is still being
    stored: the second waits for the first, then answers "already submitted"."""
    path = tmp_path / "l.txt"
    path.write_text("1.2.3.4\nevil.example.com\n", encoding="utf-8")
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
    second: list[ingest.IngestSummary] = []

    def again() -> None:
        with store.begin() as conn:
            second.append(f.submit_file(conn, de, path))

    racer = threading.Thread(target=again)
    with store.begin() as conn:
        first = f.submit_file(conn, de, path)
        racer.start()
        time.sleep(0.5)  # the second reaches its check while the first is not committed
    racer.join(timeout=60)
    assert second[0].already_submitted
    assert second[0].contribution_id == first.contribution_id
    assert _count(store, contributions) == 1
    assert _count(store, observations) == 2


def test_failed_submission_leaves_the_pool_unchanged(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
    before = (_count(store, contributions), _count(store, observables))
    with pytest.raises(NotFound, match="org:Nobody"), store.begin() as conn:
        f.submit_lines(conn, de, tmp_path, ["1.2.3.4"], tlp="amber", audience=["org:Nobody"])
    with pytest.raises(HandlingError, match="TLP:RED"), store.begin() as conn:
        f.submit_lines(conn, de, tmp_path, ["1.2.3.4"], tlp="red", audience=["pool"])
    with pytest.raises(InvalidInput, match="malformed"), store.begin() as conn:
        f.submit_lines(conn, de, tmp_path, ["5.6.7.8"])
        raise InvalidInput("malformed input discovered late")
    assert (_count(store, contributions), _count(store, observables)) == before


def test_readers_may_not_submit(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        reader = f.member(conn, "Police DE", role="reader")
        with pytest.raises(Forbidden, match="pool:submit"):
            f.submit_lines(conn, reader, tmp_path, ["1.2.3.4"])


def test_evaluation_kept_in_its_scheme(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        bank = f.member(conn, "Bank", kind="private", role="contributor")
        f.submit_lines(conn, police, tmp_path, ["1.2.3.4"], reliability="B", credibility="2")
        f.submit_lines(conn, bank, tmp_path, ["1.2.3.5"], reliability="B", credibility="2")
        f.submit_lines(conn, bank, tmp_path, ["1.2.3.6"], reliability="X", credibility="3")
        with pytest.raises(InvalidInput, match="not a 4x4 code"):
            f.submit_lines(conn, police, tmp_path, ["1.2.3.7"], reliability="E", scheme="4x4")
        rows = conn.execute(select(contributions.c.eval_scheme, contributions.c.reliability,
                                   contributions.c.credibility)
                            .order_by(contributions.c.id)).all()
    assert [tuple(r) for r in rows] == [("4x4", "B", "2"), ("admiralty", "B", "2"),
                                        ("4x4", "X", "3")]


def test_garbage_collector_settings_restored_after_import(store: Store, tmp_path: Path) -> None:
    # Imports collect less often while they run; a long-lived server must get its own
    # settings back whether the import succeeds or is refused half-way.
    before = gc.get_threshold()
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "bundle", "objects": [{"type": "indicator", ', encoding="utf-8")
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        f.submit_lines(conn, de, tmp_path, ["1.2.3.4"])
        assert gc.get_threshold() == before
        with pytest.raises(InvalidInput, match="not valid JSON"):
            f.submit_file(conn, de, bad, fmt="stix")
    assert gc.get_threshold() == before


def test_values_longer_than_the_store_holds_reject_their_record(store: Store,
                                                                 tmp_path: Path) -> None:
    # PostgreSQL enforces column lengths and SQLite does not: both stores must reject the same
    # records, with a reason, and keep the rest of the file.
    long_id = "malware--" + "a" * 300
    objects = [
        {"type": "malware", "id": long_id, "name": "Long", "is_family": True},
        {"type": "relationship", "id": "relationship--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
         "relationship_type": "r" * 65, "source_ref": long_id,
         "target_ref": "malware--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5f"},
        {"type": "x-" + "v" * 120, "id": "x-vendor--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c60"},
        {"type": "ipv4-addr", "id": "ipv4-addr--" + "b" * 200, "value": "192.0.2.9"},
        {"type": "ipv4-addr", "id": "ipv4-addr--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c61",
         "value": "192.0.2.10"},
    ]
    bundle = tmp_path / "long.json"
    bundle.write_bytes(orjson.dumps({"type": "bundle", "id": "bundle--1a2b3c4d-5e6f-4a7b-8c9d-"
                                     "0e1f2a3b4c62", "objects": objects}))
    seen: list[Rejection] = []
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        summary = ingest.submit(conn, de, ingest.Submission(
            path=bundle, handling=HandlingRequest(tlp="green")), on_rejection=seen.append)
        with pytest.raises(InvalidInput, match="title is longer than 500 characters"):
            ingest.submit(conn, de, ingest.Submission(
                path=bundle, handling=HandlingRequest(tlp="amber"), title="t" * 501))
    assert sorted(r.reason for r in seen) == [
        "ref is longer than 200 characters", "ref is longer than 200 characters",
        "type is longer than 100 characters", "type is longer than 64 characters"]
    assert (summary.accepted, summary.entities, summary.relationships,
            summary.extra_objects) == (1, 0, 0, 0)


def test_text_with_nul_characters_rejects_its_record(store: Store, tmp_path: Path) -> None:
    # PostgreSQL refuses NUL characters in text; SQLite would store them. Both reject the
    # record that holds one, or the whole file when its title does.
    event = {"Event": {"info": "NUL test", "Attribute": [
        {"type": "ip-dst", "value": "192.0.2.20", "comment": "beacon\u0000"},
        {"type": "ip-dst", "value": "192.0.2.21", "comment": "clean"}],
        "Galaxy": [{"type": "threat-actor", "name": "Threat Actor", "GalaxyCluster": [
            {"value": "Salty\u0000Spider", "tag_name": "misp-galaxy:threat-actor=\"x\""}]}]}}
    path = tmp_path / "event.json"
    path.write_bytes(orjson.dumps(event))
    seen: list[Rejection] = []
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        summary = ingest.submit(conn, de, ingest.Submission(
            path=path, handling=HandlingRequest(tlp="green")), on_rejection=seen.append)
    assert sorted(r.reason for r in seen) == ["comment contains a NUL character",
                                              "name contains a NUL character"]
    assert (summary.accepted, summary.entities) == (1, 0)
    event["Event"]["info"] = "Title\u0000"
    path.write_bytes(orjson.dumps(event))
    with pytest.raises(InvalidInput, match="title contains a NUL"), store.begin() as conn:
        ingest.submit(conn, de, ingest.Submission(path=path, handling=HandlingRequest(tlp="amber")))
