"""Trends over what a viewer may see, with a test that does not call three sightings a surge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from intelpool.analysis import figures as service
from intelpool.analysis.significance import change_p_value
from intelpool.analysis.trends import TrendReport
from intelpool.errors import InvalidInput
from tests.analysis.builders import bundle, malware, ring
from tests.analysis.conftest import submit_month
from tests.conftest import Store
from tests.factories import member, submit_file

MONTHS = ("2025-01", "2025-02", "2025-03", "2025-04")


def _trends(conn: Any, viewer: Any, **kw: Any) -> TrendReport:
    return service.trends(conn, viewer, window="4w", until="2025-04-30", **kw)


def _by_subject(report: TrendReport, category: str) -> dict[str, Any]:
    return {t.subject: t for t in report.trends if t.category == category}


def test_a_surge_is_rising_and_three_sightings_are_not(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        owner = member(conn, "Police DE")
        viewer = member(conn, "Police FR")
        ids = [submit_month(conn, owner, tmp_path, month=m, count=n, theme="botnet",
                            role="c2-domain").contribution_id
               for m, n in zip(MONTHS, (5, 5, 5, 40), strict=True)]
        submit_month(conn, owner, tmp_path, month="2025-04", count=3, theme="intrusion")
        report = _trends(conn, viewer)
    themes = _by_subject(report, "theme")
    botnet = themes["botnet"]
    assert botnet.counts == [5, 5, 5, 40]
    assert botnet.direction == "rising" and botnet.significant
    assert botnet.change == "+700%"
    assert botnet.contributions[0] == ids[-1] and set(botnet.contributions) == set(ids)
    intrusion = themes["intrusion"]
    assert intrusion.counts == [0, 0, 0, 3] and intrusion.change == "new"
    assert not intrusion.significant
    # The C2 domains' top-level domain is a trend of its own.
    assert _by_subject(report, "tld")["org"].counts == [5, 5, 5, 40]


def test_hidden_data_moves_no_trend_and_a_stranger_sees_none(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        owner = member(conn, "Police DE")
        viewer = member(conn, "Police FR")
        stranger = member(conn, "Bank S", "private")
        for m, n in zip(MONTHS, (5, 5, 5, 40), strict=True):
            submit_month(conn, owner, tmp_path, month=m, count=n, theme="botnet",
                         tlp="amber", audience=["org:Police FR"])
        before = _trends(conn, viewer)
        hidden = member(conn, "Police X")
        submit_month(conn, hidden, tmp_path, month="2025-04", count=200, theme="botnet",
                     tlp="amber")
        submit_month(conn, hidden, tmp_path, month="2025-03", count=50, theme="online-fraud",
                     tlp="red")
        assert _trends(conn, viewer) == before
        assert _by_subject(before, "theme")["botnet"].counts == [5, 5, 5, 40]
        assert _trends(conn, stranger, theme="botnet").empty


def test_the_count_test_matches_the_binomial_exactly() -> None:
    # 3 after nothing over three windows: p = (1/4)^3 = 1/64, not significant at 1 %.
    assert change_p_value(3, 0, 3) == pytest.approx(1 / 64, rel=1e-6)
    assert change_p_value(10, 30, 3) == pytest.approx(1.0)
    assert change_p_value(0, 0, 3) == 1.0
    assert change_p_value(5000, 3000, 3) < 1e-6  # the normal approximation's range


@pytest.mark.parametrize(("options", "message"), [
    ({"window": "4x"}, "use a number of days"),
    ({"theme": "gardening"}, "unknown theme"),
    ({"until": "2999-01-01"}, "lies in the future"),
    ({"history": 0}, "out of range"),
])
def test_bad_trend_options_get_one_clear_line(store: Store, options: dict[str, Any],
                                              message: str) -> None:
    with store.begin() as conn:
        viewer = member(conn, "Police DE")
        with pytest.raises(InvalidInput, match=message):
            service.trends(conn, viewer, **options)


def _misp_event(path: Path, cluster: str, synonyms: list[str], domains: list[str]) -> Path:
    """A MISP event whose domains carry a botnet galaxy cluster with these synonyms."""
    galaxy = {"uuid": "3c1b2a00-0000-4000-8000-000000000099", "name": "Botnet",
              "type": "botnet", "namespace": "misp", "GalaxyCluster": [{
                  "uuid": "c1c1c1c1-0000-4000-8000-000000000099", "type": "botnet",
                  "value": cluster, "tag_name": f'misp-galaxy:botnet="{cluster}"',
                  "meta": {"synonyms": synonyms}}]}
    attributes = [{"uuid": f"a0a0a0a0-0000-4000-8000-{i:012d}", "type": "domain",
                   "category": "Network activity", "value": d, "to_ids": True,
                   "first_seen": "2025-03-01T00:00:00+00:00", "timestamp": "1740787200",
                   "Galaxy": [galaxy]} for i, d in enumerate(domains)]
    path.write_bytes(orjson.dumps({"Event": {
        "uuid": "0e0e0e0e-0000-4000-8000-000000000099", "info": "Loader campaign",
        "date": "2025-03-01", "threat_level_id": "2", "analysis": "1", "distribution": "1",
        "published": False, "timestamp": "1740787200",
        "Orgc": {"name": "CERT-EX", "uuid": "0f0f0f0f-0000-4000-8000-000000000099"},
        "Attribute": attributes}}))
    return path


def test_families_count_as_resolved_entities_not_as_spellings(
        store: Store, tmp_path: Path) -> None:
    """"Emotet", "emotet" and a MISP galaxy cluster whose synonyms name Emotet are one
    family; a hidden contribution's alias joins nothing for a viewer who may not see it."""
    with store.begin() as conn:
        de, nl, fr = member(conn, "Police DE"), member(conn, "Police NL"), member(conn, "CERT FR")
        viewer = member(conn, "Police BE")
        hidden = member(conn, "Police X")
        submit_file(conn, de, bundle(tmp_path / "de.json", [(malware("Emotet"), ring("de", 4))]))
        submit_file(conn, nl, bundle(tmp_path / "nl.json", [(malware("emotet"), ring("nl", 3))]))
        submit_file(conn, fr, _misp_event(tmp_path / "fr.json", "Geodo", ["Emotet", "Heodo"],
                                          ["gate1.fr-loader.example", "gate2.fr-loader.example"]),
                    fmt="misp")
        # Only its originator sees this one: its alias would tie Emotet to TrickBot.
        submit_file(conn, hidden, bundle(tmp_path / "x.json", [
            (malware("TrickBot", aliases=["Emotet"]), ring("x", 2))]), tlp="red")
        submit_file(conn, de, bundle(tmp_path / "tb.json", [(malware("TrickBot"), ring("tb", 2))]))
        found = _by_subject(service.trends(conn, viewer, window="4w", until="2025-03-10"),
                            "malware")
        mine = _by_subject(service.trends(conn, hidden, window="4w", until="2025-03-10"),
                           "malware")
    assert set(found) == {"Emotet", "TrickBot"}
    assert found["Emotet"].counts[-1] == 4 + 3 + 2
    assert len(found["Emotet"].contributions) == 3
    assert found["TrickBot"].counts[-1] == 2
    # Whoever sees the alias sees one family that holds all of them.
    assert len(mine) == 1 and next(iter(mine.values())).counts[-1] == 4 + 3 + 2 + 2 + 2
