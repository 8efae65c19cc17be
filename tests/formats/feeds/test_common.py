"""The helpers the feed importers share: line numbers, CSV rows, dates, tags."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from intelpool.formats.feeds._common import (
    BadLine,
    Line,
    MalwareFamilies,
    csv_rows,
    each_line,
    parse_time,
    split_tags,
    text_lines,
)
from intelpool.formats.records import (
    EntityRecord,
    ObservationRecord,
    Record,
    Rejection,
    RelationshipRecord,
)
from tests.formats.feeds.support import utc


def test_text_lines_skip_blank_and_comment_lines_and_keep_numbers() -> None:
    data = b"\xef\xbb\xbf# header\n\n1.2.3.4\n  # indented comment\nbad \xff byte\n5.6.7.8\r\n"
    items = list(text_lines(io.BytesIO(data)))
    assert items == [
        Line(3, "1.2.3.4"),
        Rejection("line 5", "bad \xff byte", "not valid UTF-8"),
        Line(6, "5.6.7.8"),
    ]


def test_csv_rows_keep_a_stray_quote_within_its_own_line() -> None:
    data = b'# a,b\n"x","unterminated\n"y","z"\n'
    rows = [item for item in csv_rows(io.BytesIO(data)) if isinstance(item, Line)]
    assert [(r.number, r.fields) for r in rows] == [(2, ("x", "unterminated")), (3, ("y", "z"))]


def test_csv_rows_accept_a_space_after_the_comma() -> None:
    rows = list(csv_rows(io.BytesIO(b'"a", "b", "c"\n')))
    assert rows == [Line(1, '"a", "b", "c"', ("a", "b", "c"))]


def test_each_line_rejects_a_whole_line_when_its_handler_refuses_it() -> None:
    def handle(line: Line) -> Iterator[Record]:
        yield ObservationRecord(value=line.text, location=line.location)
        if line.text == "bad":
            raise BadLine("no good")

    records = list(each_line([Line(1, "good"), Line(2, "bad")], handle))
    assert records == [ObservationRecord(value="good", location="line 1"),
                       Rejection("line 2", "bad", "no good")]


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-04-18 10:00:00", utc(2024, 4, 18, 10)),
    ("2024-04-18", utc(2024, 4, 18)),
    ("2024-04-18 10:00", utc(2024, 4, 18, 10)),
    ("2024-04-18 10:00:00Z", utc(2024, 4, 18, 10)),
    ("2024-04-18 10:00:00 UTC", utc(2024, 4, 18, 10)),
    ("2024-04-18T12:00:00+02:00", utc(2024, 4, 18, 10)),
    ("1713434400", utc(2024, 4, 18, 10)),
    ("", None),
    ("n/a", None),
    (None, None),
])
def test_parse_time_gives_aware_utc(text: str | None, expected: object) -> None:
    assert parse_time(text, "first_seen") == expected


def test_parse_time_names_the_field_of_a_bad_date() -> None:
    with pytest.raises(BadLine, match=r"bad date in first_seen: '2024-02-30'"):
        parse_time("2024-02-30", "first_seen")


def test_split_tags_drops_empties_and_repeats() -> None:
    assert split_tags("a, b,,n/a", None, "b;c", separators=",;") == ("a", "b", "c")


def test_malware_families_emit_each_entity_once_and_link_every_time() -> None:
    families = MalwareFamilies()
    first = list(families.link("Emotet", ["1.2.3.4"], "line 1"))
    second = list(families.link("emotet", ["5.6.7.8"], "line 2"))
    unknown = list(families.link("Unknown malware", ["9.9.9.9"], "line 3"))
    assert [type(r) for r in first] == [EntityRecord, RelationshipRecord]
    assert second == [RelationshipRecord("indicates", "5.6.7.8", "malware:emotet", "line 2")]
    assert unknown == []
