"""CSV/TSV importer: delimiters, guessed and explicit column mappings, typed columns, dates,
rejections with line numbers, and submission through the ingest service."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from intelpool.access.handling import PAP, TLP, HandlingRequest
from intelpool.db.tables import observables, observations, relationships
from intelpool.errors import InvalidInput
from intelpool.formats import csv_table
from intelpool.formats.records import (
    ImportOptions,
    ObservationRecord,
    Record,
    Rejection,
    RelationshipRecord,
)
from intelpool.formats.registry import detect_format
from intelpool.pool import ingest
from tests import factories as f
from tests.conftest import Store

DATA = Path(__file__).parent.parent / "data" / "csv"


def parse_file(name: str, columns: dict[str, str] | None = None) -> list[Record]:
    with (DATA / name).open("rb") as stream:
        return list(csv_table.parse(stream, ImportOptions(columns=columns or {})))


def parse_text(text: str, columns: dict[str, str] | None = None,
               delimiter: str | None = None) -> list[Record]:
    stream = io.BytesIO(text.encode("utf-8"))
    return list(csv_table.parse(stream, ImportOptions(columns or {}, delimiter)))


def obs(records: list[Record]) -> list[ObservationRecord]:
    return [r for r in records if isinstance(r, ObservationRecord)]


def rejections(records: list[Record]) -> list[tuple[str, str]]:
    return [(r.location, r.reason) for r in records if isinstance(r, Rejection)]


def test_guessed_value_and_type_columns_with_free_form_type_names() -> None:
    records = parse_file("indicators.csv")
    got = [(o.location, o.value, o.type) for o in obs(records)]
    assert got == [
        ("line 2", "hxxp://login-bank[.]example.com/verify", "url"),
        ("line 3", "198.51.100.23", "ipv4"),
        ("line 4", "malware-drop.example.net", "domain"),
        ("line 5", "d41d8cd98f00b204e9800998ecf8427e", "md5"),
        ("line 6", "203.0.113.0/24", "cidr"),
        ("line 7", "mule@bank-fraud.example.org", "email"),
    ]


def test_details_come_from_their_columns() -> None:
    first, second, third, fourth = obs(parse_file("indicators.csv"))[:4]
    assert first.first_seen == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert first.tags == ("phishing", "bank")
    assert first.comment == "Landing page, cloned"
    assert first.to_ids is True
    assert second.first_seen == datetime(2024, 3, 2, 8, 15, tzinfo=UTC)
    assert second.tags == ("c2", "emotet") and second.to_ids is False
    assert third.first_seen == datetime(2024, 3, 4, 10, 0, tzinfo=UTC)  # epoch seconds
    assert third.to_ids is None
    assert fourth.first_seen == datetime(2024, 3, 5, tzinfo=UTC)


def test_bad_rows_are_rejected_with_line_and_reason() -> None:
    found = rejections(parse_file("indicators.csv"))
    # Line 8 is blank: not a record. Line 9's type is unknown but its date is bad.
    assert [loc for loc, _ in found] == ["line 9", "line 10", "line 11"]
    assert found[0][1] == ("column 'First Seen': 'not a date' is not a date "
                           "(use ISO 8601 or epoch seconds)")
    assert found[1][1] == "empty value in column 'Indicator'"
    assert found[2][1] == "row has 2 fields, the header 6"


def test_unknown_type_name_leaves_the_type_to_detection() -> None:
    [record] = obs(parse_text("value,type\nevil.example.org,sinkhole-thing\n"))
    assert record.type is None


def test_explicit_mapping_names_columns_the_guess_would_miss() -> None:
    text = "what,kind,seen,remark\n192.0.2.5,ip,2024-01-02T03:04:05+02:00,relay\n"
    mapping = {"value": "what", "type": "KIND", "first_seen": "seen", "comment": "remark"}
    [record] = obs(parse_text(text, columns=mapping))
    assert (record.value, record.type, record.comment) == ("192.0.2.5", "ipv4", "relay")
    assert record.first_seen == datetime(2024, 1, 2, 1, 4, 5, tzinfo=UTC)


def test_explicit_typed_column_mapping() -> None:
    text = "host,address\nwww.example.com,192.0.2.8\n"
    records = parse_text(text, columns={"domain": "host"})
    assert [(o.value, o.type) for o in obs(records)] == [("www.example.com", "domain")]


def test_mapping_to_an_absent_column_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"column mapping value=ioc: no column 'ioc'.*'alpha'"):
        parse_file("no_known_columns.csv", columns={"value": "ioc"})


def test_mapping_an_unknown_field_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown field"):
        parse_file("no_known_columns.csv", columns={"colour": "alpha"})


def test_header_without_known_columns_says_how_to_map() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_file("no_known_columns.csv")
    message = str(caught.value)
    assert "'alpha', 'beta', 'gamma'" in message and "as value=COLUMN" in message


def test_byte_order_mark_and_crlf_are_fine() -> None:
    [record] = obs(parse_text("\ufeffvalue;note\r\n192.0.2.1;x\r\n"))
    assert (record.location, record.value, record.comment) == ("line 2", "192.0.2.1", "x")


def test_old_mac_line_ends_are_refused() -> None:
    with pytest.raises(InvalidInput, match="lines must end with LF or CRLF"):
        parse_text("value,comment\r192.0.2.1,a\r192.0.2.2,b\r")


def test_empty_file_is_refused() -> None:
    with pytest.raises(InvalidInput, match="empty"):
        parse_text("\n\n")


def test_typed_columns_give_one_observation_each_and_link_them() -> None:
    records = parse_file("typed.tsv")
    got = [(o.location, o.value, o.type) for o in obs(records)]
    assert got == [
        ("line 2", "192.0.2.10", "ipv4"),
        ("line 2", "c2.example.com", "domain"),
        ("line 2", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         "sha256"),
        ("line 3", "192.0.2.11", "ipv4"),
    ]
    first = obs(records)[0]
    assert first.tags == ("botnet",)
    assert first.first_seen == datetime(2024, 4, 1, 12, 0, tzinfo=UTC)
    links = [r for r in records if isinstance(r, RelationshipRecord)]
    refs = {o.value: o.ref for o in obs(records)[:3]}
    assert [(r.type, r.source_ref, r.target_ref) for r in links] == [
        ("related-to", refs["192.0.2.10"], refs["c2.example.com"]),
        ("related-to", refs["192.0.2.10"], obs(records)[2].ref),
    ]
    assert obs(records)[3].ref is None  # a single selector in its row: nothing to link
    assert rejections(records) == [
        ("line 4", "empty value in column 'src_ip', 'hostname', 'sha256'")]


def test_semicolons_and_multi_line_fields() -> None:
    records = parse_file("semicolon.csv")
    assert [(o.location, o.value) for o in obs(records)] == [
        ("line 2", "badsite.example.com"), ("line 3", "192.0.2.50"), ("line 5", "198.51.100.7")]
    assert obs(records)[1].comment == "multi-line\nnote about; this host"
    assert obs(records)[2].first_seen == datetime(2024, 5, 3, tzinfo=UTC)


def test_pipes_and_type_spellings() -> None:
    records = parse_file("pipes.txt")
    assert [(o.value, o.type) for o in obs(records)] == [
        ("192.0.2.77", "ipv4"), ("c2.example.net", "domain")]


@pytest.mark.parametrize("given", ["tab", "\t", "\\t"])
def test_explicit_delimiter(given: str) -> None:
    text = "value,with comma\tcomment\n192.0.2.1\tone, two\n"
    [record] = obs(parse_text(text.replace("value,with comma", "value"), delimiter=given))
    assert record.comment == "one, two"


def test_a_delimiter_of_several_characters_is_refused() -> None:
    with pytest.raises(InvalidInput, match="one character"):
        parse_text("value\n1.2.3.4\n", delimiter="::")


def test_comments_around_the_table_are_skipped_and_lines_still_count() -> None:
    records = parse_file("commented_feed.csv")
    assert rejections(records) == []
    first, second = obs(records)
    assert (first.location, first.value, first.type) == ("line 7", "192.0.2.200", "ipv4")
    assert first.first_seen == datetime(2024, 6, 1, 7, 30, 5, tzinfo=UTC)
    assert first.last_seen == datetime(2024, 6, 10, tzinfo=UTC)
    assert first.tags == ("Dridex",) and second.tags == ("QakBot",)


def test_tlp_and_pap_columns_mark_their_rows() -> None:
    records = parse_file("markings.csv")
    first, second = obs(records)
    assert first.marking is not None and first.marking.tlp is TLP.AMBER
    assert second.marking is not None and second.marking.pap is PAP.RED
    [(location, reason)] = rejections(records)
    assert location == "line 4" and reason.startswith("column 'tlp': unknown TLP label 'purple'")


def test_rows_that_are_not_utf8_are_rejected() -> None:
    records = parse_file("not_utf8.csv")
    assert rejections(records) == [("line 2", "not valid UTF-8: save the file as UTF-8")]
    assert [o.value for o in obs(records)] == ["192.0.2.10"]


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-03-01T10:00:00Z", datetime(2024, 3, 1, 10, tzinfo=UTC)),
    ("2024-03-01T12:00:00+02:00", datetime(2024, 3, 1, 10, tzinfo=UTC)),
    ("2024-03-01 10:00:00", datetime(2024, 3, 1, 10, tzinfo=UTC)),
    ("2024-03-01 10:00:00 UTC", datetime(2024, 3, 1, 10, tzinfo=UTC)),
    ("2024-03-01", datetime(2024, 3, 1, tzinfo=UTC)),
    ("1709287200", datetime(2024, 3, 1, 10, tzinfo=UTC)),
    ("1709287200000", datetime(2024, 3, 1, 10, tzinfo=UTC)),
    ("01.03.2024 10:00", datetime(2024, 3, 1, 10, tzinfo=UTC)),
])
def test_dates(text: str, expected: datetime) -> None:
    assert csv_table.parse_date(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2024-13-01", "2024"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        csv_table.parse_date(text)


def test_bad_to_ids_is_a_rejection() -> None:
    records = parse_text("value,to_ids\n192.0.2.1,maybe\n")
    assert rejections(records) == [("line 2", "column 'to_ids': 'maybe' is not true or false")]


@pytest.mark.parametrize("name", ["indicators.csv", "typed.tsv", "semicolon.csv", "pipes.txt",
                                  "commented_feed.csv"])
def test_sniff_recognises_tables_with_a_header(name: str) -> None:
    assert csv_table._sniff((DATA / name).read_bytes()) == 0.3


@pytest.mark.parametrize("head", [
    b"192.0.2.1\n192.0.2.2\n",  # a plain list
    b"evil.example.com,bad.example.org\nx.example.net,y.example.net\n",  # no header
    b'{"type": "bundle", "objects": []}',
    b"ip,domain\n1.2.3.4\n5.6.7.8,a.example,extra\n",  # field counts disagree
    b"",
])
def test_sniff_declines_other_text(head: bytes) -> None:
    assert csv_table._sniff(head) == 0.0


def test_auto_detection_prefers_csv_over_plain_text() -> None:
    assert detect_format((DATA / "indicators.csv").read_bytes()).name == "csv"
    assert detect_format(b"192.0.2.1\n192.0.2.2\n").name == "text"


def test_submission_stores_mapped_rows_and_counts_rejections(store: Store) -> None:
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        summary = f.submit_file(conn, de, DATA / "indicators.csv", fmt="csv",
                                options=ImportOptions(columns={"value": "Indicator"}))
        rows = conn.execute(
            select(observables.c.type, observables.c.value, observations.c.first_seen,
                   observations.c.tags)
            .join(observations, observations.c.observable_id == observables.c.id)
            .where(observations.c.contribution_id == summary.contribution_id)
        ).all()
    assert (summary.accepted, summary.rejected) == (6, 3)
    stored = {(r.type, r.value): r for r in rows}
    assert set(stored) == {
        ("url", "http://login-bank.example.com/verify"), ("ipv4", "198.51.100.23"),
        ("domain", "malware-drop.example.net"), ("md5", "d41d8cd98f00b204e9800998ecf8427e"),
        ("cidr", "203.0.113.0/24"), ("email", "mule@bank-fraud.example.org")}
    assert json.loads(stored[("ipv4", "198.51.100.23")].tags) == ["c2", "emotet"]
    first_seen = stored[("domain", "malware-drop.example.net")].first_seen
    assert first_seen.replace(tzinfo=UTC) == datetime(2024, 3, 4, 10, 0, tzinfo=UTC)


def test_submission_rejections_name_their_line(store: Store) -> None:
    seen: list[Rejection] = []
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        sub = ingest.Submission(path=DATA / "markings.csv", format="csv",
                                handling=HandlingRequest(tlp="green"))
        summary = ingest.submit(conn, de, sub, on_rejection=seen.append)
    assert [(r.location, r.value) for r in seen] == [("line 4", "192.0.2.3,purple,")]
    # The amber and the PAP:RED row each went to a stricter-marked part.
    assert (summary.accepted, len(summary.parts)) == (2, 2)


def test_submission_with_a_bad_mapping_stores_nothing(store: Store) -> None:
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
    with pytest.raises(InvalidInput, match="no column 'ioc'"), store.begin() as conn:
        f.submit_file(conn, de, DATA / "no_known_columns.csv", fmt="csv",
                      options=ImportOptions(columns={"value": "ioc"}))
    with store.begin() as conn:
        assert conn.execute(select(observations.c.id)).first() is None


def test_submission_links_typed_cells_of_a_row(store: Store) -> None:
    with store.begin() as conn:
        de = f.member(conn, "Police DE", role="contributor")
        summary = f.submit_file(conn, de, DATA / "typed.tsv", fmt="csv")
        links = conn.execute(
            select(relationships.c.type, relationships.c.source_kind,
                   relationships.c.target_kind)
            .where(relationships.c.contribution_id == summary.contribution_id)
        ).all()
    assert (summary.accepted, summary.rejected, summary.relationships) == (4, 1, 2)
    assert [tuple(r) for r in links] == [("related-to", "observable", "observable")] * 2


def test_unreadable_rows_are_rejected_and_reading_goes_on() -> None:
    data = (b"value,comment\n192.0.2.1,a\x00b\n192.0.2.2," + b"x" * 200_000 +
            b"\n192.0.2.3,fine\n")
    records = list(csv_table.parse(io.BytesIO(data), ImportOptions()))
    assert rejections(records) == [
        ("line 2", "contains a NUL byte"),
        ("line 3", "unreadable CSV row: field larger than field limit (131072)")]
    assert [(o.location, o.value) for o in obs(records)] == [("line 4", "192.0.2.3")]


def test_a_typed_rows_role_is_its_first_cells_only() -> None:
    wallet, handle = obs(parse_text(
        "btc_wallet,handle,role,tags\n"
        "1BoatSLRHtKNngkdXEeobR76b53LETtpyT,telegram:@runner_one,cash-out,fraud\n"))
    assert (wallet.role, handle.role) == ("cash-out", None)
    assert wallet.tags == handle.tags == ("fraud",)  # the rest describes the whole row
