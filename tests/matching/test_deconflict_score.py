"""Deconfliction and scores follow hit/no-hit and visibility."""

from __future__ import annotations

from pathlib import Path

from intelpool.matching.deconflict import deconflict
from intelpool.matching.scoring import score
from tests import factories as f
from tests.conftest import Store


def test_deconflict_reports_holders_without_hidden_content(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        bank = f.member(conn, "Bank NL", kind="private", role="analyst")
        f.submit_lines(conn, police, tmp_path, ["45.137.21.9", "c2-decon.net"], tlp="amber",
                       themes=["botnet"])
        f.submit_lines(conn, bank, tmp_path, ["45.137.21.9"], tlp="green")
        results = deconflict(conn, bank, ["45.137.21[.]9", "www.c2-decon.net", "nonsense",
                                          "8.8.8.8", "77.77.77.77"])
        police_view = deconflict(conn, police, ["45.137.21.9"])
    by_input = {r.input: r for r in results}
    [holder] = by_input["45.137.21[.]9"].holders
    assert (holder.partner, holder.kind, holder.visible, holder.contributions,
            holder.themes) == ("Police DE", "exact", False, [], ["botnet"])
    [sub] = by_input["www.c2-decon.net"].holders
    assert (sub.partner, sub.kind, sub.visible) == ("Police DE", "subdomain", False)
    assert by_input["nonsense"].error and by_input["77.77.77.77"].holders == []
    assert by_input["8.8.8.8"].holders == []
    [bank_holding] = police_view[0].holders
    assert (bank_holding.partner, bank_holding.visible) == ("Bank NL", True)
    assert bank_holding.contributions == [2]


def test_score_uses_only_what_the_asker_may_see(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        bank = f.member(conn, "Bank NL", kind="private", role="analyst")
        cert = f.member(conn, "CERT", kind="cert", role="analyst")
        outsider = f.member(conn, "Outsider", kind="other", role="admin")
        f.submit_lines(conn, police, tmp_path, ["45.137.21.9"], tlp="amber", reliability="A",
                       credibility="1")
        f.submit_lines(conn, bank, tmp_path, ["45.137.21.9"], reliability="B",
                       credibility="2")
        f.submit_lines(conn, cert, tmp_path, ["45.137.21.9"], tlp="amber",
                       audience=["org:Police DE"])
        mine = score(conn, police, "45.137.21.9")
        nothing = score(conn, outsider, "45.137.21.9")
        theirs = score(conn, bank, "45.137.21.9")
        noise = score(conn, police, "8.8.8.8")
    assert (mine.organisations, theirs.organisations) == (3, 1)
    # The outsider is in no audience: only the bank's pool-wide sighting counts for it.
    assert [s.originator for s in nothing.sightings] == ["Bank NL"]
    assert nothing.score == theirs.score
    assert mine.score > theirs.score > 0
    assert {s.evaluation for s in mine.sightings} == {"4x4 A1", "admiralty B2",
                                                      "not evaluated"}
    assert all(0 < s.decay <= 1 for s in mine.sightings)
    assert (noise.score, noise.sightings) == (0, [])
