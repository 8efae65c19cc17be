"""Blocklist exporter: distinct sorted values of one type under its strictest marking."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from intelpool.errors import InvalidInput
from intelpool.formats import blocklist
from intelpool.formats.export_records import ExportData, ExportHandling, ExportObservation
from intelpool.formats.registry import exporters

GENERATED = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)


def handling(tlp: str, pap: str = "clear") -> ExportHandling:
    return ExportHandling(contribution_id=1, originator="Police DE", tlp=tlp, pap=pap)


def export(kind: str | None, *items: ExportObservation) -> list[str]:
    data = ExportData(requester="Bank NL", generated_at=GENERATED,
                      observations=lambda: iter(items), observable_type=kind)
    out = io.BytesIO()
    blocklist.write(data, out)
    return out.getvalue().decode("utf-8").splitlines()


def test_one_type_must_be_named() -> None:
    with pytest.raises(InvalidInput, match="a blocklist holds one type: name its observable type"):
        export(None, ExportObservation("ipv4", "192.0.2.1", handling("clear")))


def test_unknown_type_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown observable type 'ip'"):
        export("ip")


def test_distinct_values_of_the_type_sorted_under_the_strictest_marking() -> None:
    lines = export(
        "ipv4",
        ExportObservation("ipv4", "192.0.2.10", handling("green")),
        ExportObservation("ipv4", "192.0.2.9", handling("amber", pap="amber")),
        ExportObservation("domain", "evil.example.com", handling("red")),  # another type
        ExportObservation("ipv4", "10.0.0.1", handling("clear")),
        ExportObservation("ipv4", "192.0.2.10", handling("clear")),
    )
    assert lines == [
        "# intelpool blocklist: ipv4, 3 entries",
        "# requested by Bank NL, generated 2024-07-01T12:00:00Z",
        "# TLP:AMBER - handling of the strictest entry applies",
        "# PAP:AMBER - the strictest entry's permitted actions",
        "10.0.0.1", "192.0.2.9", "192.0.2.10",
    ]


def test_networks_sort_numerically_ipv4_first() -> None:
    lines = export("cidr", *(ExportObservation("cidr", v, handling("green")) for v in
                             ("2001:db8::/32", "198.51.100.0/24", "10.0.0.0/8", "10.0.0.0/16")))
    assert lines[-4:] == ["10.0.0.0/8", "10.0.0.0/16", "198.51.100.0/24", "2001:db8::/32"]


def test_text_values_sort_as_text() -> None:
    lines = export("domain", *(ExportObservation("domain", v, handling("amber+strict")) for v in
                               ("b.example.org", "a.example.org")))
    assert lines[2] == "# TLP:AMBER+STRICT - handling of the strictest entry applies"
    assert lines[-2:] == ["a.example.org", "b.example.org"]


def test_empty_blocklist_says_so() -> None:
    assert export("url") == ["# intelpool blocklist: url, 0 entries",
                             "# requested by Bank NL, generated 2024-07-01T12:00:00Z"]


def test_registered_as_plain_text() -> None:
    found = exporters()["blocklist"]
    assert (found.media_type, found.extension) == ("text/plain", "txt")
    assert (exporters()["csv"].media_type, exporters()["csv"].extension) == ("text/csv", "csv")
