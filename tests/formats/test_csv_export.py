"""CSV exporter: markings as columns, and a round trip through the ``csv`` importer."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from intelpool.access.handling import TLP
from intelpool.db.tables import observables, observations
from intelpool.formats import csv_export, csv_table
from intelpool.formats.export_records import ExportData, ExportHandling, ExportObservation
from intelpool.formats.records import ImportOptions, ObservationRecord
from intelpool.pool import export as export_service
from tests import factories as f
from tests.conftest import Store

GENERATED = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
POLICE = ExportHandling(contribution_id=7, originator="Police DE", tlp="amber+strict",
                        pap="green", codes=("H1", "H2"), h3_text=None,
                        audience=("org:Bank NL", "group:Banks"), eval_scheme="4x4",
                        reliability="B", credibility="2", themes=("online-fraud",))
BANK = ExportHandling(contribution_id=9, originator="a partner", tlp="green", pap="clear",
                      audience=("pool",), anonymous=True, eval_scheme="admiralty",
                      h3_text="no use in court, ask first")


def export(*items: ExportObservation) -> bytes:
    data = ExportData(requester="Bank NL", generated_at=GENERATED,
                      observations=lambda: iter(items))
    out = io.BytesIO()
    csv_export.write(data, out)
    return out.getvalue()


def table(raw: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


def test_header_names_every_column() -> None:
    assert export().decode() == ",".join(csv_export.HEADER) + "\r\n"
    assert csv_export.HEADER[:8] == ("type", "value", "role", "first_seen", "last_seen", "tags",
                                     "comment", "to_ids")


def test_markings_and_evaluation_travel_as_columns() -> None:
    [police, bank] = table(export(
        ExportObservation("ipv4", "192.0.2.1", POLICE, role="c2", tags=("emotet", "loader"),
                          first_seen=datetime(2024, 3, 1, 10, tzinfo=UTC), to_ids=True),
        ExportObservation("url", "http://a.example/x,y", BANK, comment='said "hi", left',
                          last_seen=datetime(2024, 3, 2, 8, 15))))
    assert police == {
        "type": "ipv4", "value": "192.0.2.1", "role": "c2", "first_seen": "2024-03-01T10:00:00Z",
        "last_seen": "", "tags": "emotet|loader", "comment": "", "to_ids": "true",
        "contribution": "7", "originator": "Police DE", "tlp": "amber+strict", "pap": "green",
        "handling_codes": "H1|H2", "h3": "", "audience": "org:Bank NL|group:Banks",
        "anonymous": "false", "evaluation_scheme": "4x4", "reliability": "B",
        "credibility": "2", "themes": "online-fraud"}
    assert (bank["value"], bank["comment"]) == ("http://a.example/x,y", 'said "hi", left')
    assert bank["last_seen"] == "2024-03-02T08:15:00Z"  # naive times are UTC
    assert (bank["originator"], bank["anonymous"]) == ("a partner", "true")
    assert bank["h3"] == "no use in court, ask first"
    assert bank["to_ids"] == ""


def test_the_importer_reads_an_export_back_with_its_markings() -> None:
    items = (
        ExportObservation("ipv4", "192.0.2.1", POLICE, role="c2", tags=("emotet",),
                          first_seen=datetime(2024, 3, 1, 10, 0, 0, 250000, tzinfo=UTC),
                          comment="multi\nline", to_ids=False),
        ExportObservation("cidr", "198.51.100.0/24", BANK),
        ExportObservation("url", "http://a.example/x?q=1,2", BANK, to_ids=True),
    )
    raw = export(*items)
    assert csv_table._sniff(raw) > 0
    records = list(csv_table.parse(io.BytesIO(raw), ImportOptions()))
    assert all(isinstance(r, ObservationRecord) for r in records)
    back = [r for r in records if isinstance(r, ObservationRecord)]
    assert [(r.type, r.value, r.role, r.first_seen, r.tags, r.comment, r.to_ids)
            for r in back] == [
        (i.type, i.value, i.role, i.first_seen, i.tags, i.comment, i.to_ids) for i in items]
    assert back[0].marking is not None and back[0].marking.tlp is TLP.AMBER_STRICT
    assert back[1].marking is not None and back[1].marking.tlp is TLP.GREEN


def _stored(conn: Connection, contribution_id: int) -> set[tuple[Any, ...]]:
    rows = conn.execute(
        select(observables.c.type, observables.c.value, observations.c.role,
               observations.c.first_seen, observations.c.last_seen, observations.c.tags,
               observations.c.comment, observations.c.to_ids)
        .join(observations, observations.c.observable_id == observables.c.id)
        .where(observations.c.contribution_id == contribution_id)
    ).all()
    return {tuple(r) for r in rows}


def test_round_trip_through_the_pool(store: Store, tmp_path: Path) -> None:
    source = tmp_path / "source.csv"
    source.write_text(
        "value,type,role,first_seen,last_seen,tags,comment,to_ids\n"
        "hxxp://login-bank[.]example.com/verify,url,phishing,2024-03-01T10:00:00Z,"
        "2024-03-04 09:00:00,bank|lure,\"cloned, then taken down\",true\n"
        "198.51.100.23,ip-dst,c2,1709373300,,emotet,,false\n"
        "malware-drop.example.net,,,,,,,\n", encoding="utf-8")
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        bank = f.member(conn, "Bank NL", kind="private", role="contributor")
        first = f.submit_file(conn, police, source, fmt="csv")
        exported = tmp_path / "export.csv"
        with exported.open("wb") as out:
            request = export_service.ExportRequest(format="csv")
            assert export_service.export(conn, bank, request, out) == 3
        again = f.submit_file(conn, bank, exported)  # auto-detected as csv
        assert again.format == "csv"
        assert (first.accepted, again.accepted, again.rejected) == (3, 3, 0)
        assert _stored(conn, again.contribution_id) == _stored(conn, first.contribution_id)
