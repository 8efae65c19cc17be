"""Read paths: what a search shows of each contribution, on every store."""

from __future__ import annotations

from pathlib import Path

from intelpool.partners import service as partners
from intelpool.pool import reads
from tests import factories as f
from tests.conftest import Store


def test_search_shows_themes_and_audience_of_each_contribution(store: Store,
                                                               tmp_path: Path) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE")
        bank = f.member(conn, "Bank NL", kind="private")
        f.org(conn, "CERT FR", kind="cert")
        partners.add_group(conn, f.OPERATOR, "Fraud desk", ["Bank NL"])
        f.submit_lines(conn, police, tmp_path, ["evil.example"], tlp="amber",
                       audience=["org:CERT FR", "group:Fraud desk", "org:Bank NL"],
                       themes=["online-fraud", "botnet"])
        f.submit_lines(conn, bank, tmp_path, ["evil.example"], tlp="green")
        found = reads.search(conn, bank, "evil[.]example")
        # Ids on either side of the slices the lookup is made in.
        ids = list(range(1, 12_000)) + [v.contribution_id for v in found]
        context = reads.contribution_context(conn, ids)
    mine, police_s = found
    assert (mine.originator, mine.handling.audience, mine.themes) == ("Bank NL", ["pool"], [])
    assert police_s.originator == "Police DE" and police_s.themes == ["botnet", "online-fraud"]
    assert police_s.handling.audience == ["group:Fraud desk", "org:Bank NL", "org:CERT FR"]
    assert context["themes"][police_s.contribution_id] == ["botnet", "online-fraud"]


def test_search_shows_audience_names_whatever_characters_they_hold(store: Store,
                                                                  tmp_path: Path) -> None:
    odd_org, odd_group = "CERT 7: Zürich, 12:3", "Desk 4:x,y | 9"
    with store.begin() as conn:
        police = f.member(conn, "Police DE")
        bank = f.member(conn, odd_org, kind="cert")
        partners.add_group(conn, f.OPERATOR, odd_group, [odd_org])
        f.submit_lines(conn, police, tmp_path, ["evil.example"], tlp="amber",
                       audience=[f"org:{odd_org}", f"group:{odd_group}"],
                       themes=["intrusion", "crime-as-a-service", "malware-testing"])
        found = reads.search(conn, bank, "evil.example")
        context = reads.contribution_context(conn, [v.contribution_id for v in found])
    [shown] = found
    assert shown.handling.audience == [f"group:{odd_group}", f"org:{odd_org}"]
    assert shown.themes == ["crime-as-a-service", "intrusion", "malware-testing"]
    assert shown.themes == context["themes"][shown.contribution_id]


def test_a_stranger_finds_nothing_and_a_search_is_audited(store: Store,
                                                          tmp_path: Path) -> None:
    from sqlalchemy import select

    from intelpool.db.tables import audit_events

    with store.begin() as conn:
        police = f.member(conn, "Police DE")
        stranger = f.member(conn, "Bank NL", kind="private")
        f.submit_lines(conn, police, tmp_path, ["evil.example"], tlp="amber")
        assert reads.search(conn, stranger, "evil.example") == []
        assert len(reads.search(conn, police, "evil.example", limit=1)) == 1
        actions = conn.execute(select(audit_events.c.actor_email, audit_events.c.detail)
                               .where(audit_events.c.action == "pool.search")
                               .order_by(audit_events.c.id)).all()
    assert [a for a, _ in actions] == [stranger.email, police.email]
    assert '"results":0' in actions[0][1] and '"results":1' in actions[1][1]
