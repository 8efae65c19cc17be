"""Every feed sample submitted through the ingest service, on every store."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from intelpool.db.tables import contribution_themes, observables, observations, relationships
from tests import factories as f
from tests.conftest import Store
from tests.formats.feeds.support import DATA


@dataclass(frozen=True)
class Case:
    fmt: str
    sample: str
    stored: dict[str, int]  # observables stored, per type
    rejected: int  # by the parser and by the ingest service
    themes: set[str]
    parts: int = 0  # stricter parts made by per-line markings
    entities: int = 0
    relationships: int = 0
    duplicates: int = 0


CASES = [
    Case("feed:feodotracker", "feodotracker.json",
         {"ipv4": 1, "ipv6": 1, "ip-port": 2, "domain": 1}, 2, {"botnet"},
         entities=2, relationships=5),
    Case("feed:feodotracker", "feodotracker.csv", {"ipv4": 2, "ip-port": 2}, 1, {"botnet"},
         entities=2, relationships=4),
    Case("feed:urlhaus", "urlhaus.csv", {"url": 2}, 2, {"malware-distribution"}),
    Case("feed:threatfox", "threatfox.json",
         {"ip-port": 1, "ipv4": 1, "domain": 1, "url": 1, "sha256": 1}, 2,
         {"botnet", "malware-distribution"}, entities=3, relationships=5),
    Case("feed:malwarebazaar", "malwarebazaar.csv",
         {"sha256": 2, "md5": 2, "sha1": 2, "ssdeep": 1, "tlsh": 1, "filename": 2}, 1,
         {"malware-distribution"}, entities=1, relationships=3),
    # One line is not UTF-8 (parser), one URL has an empty host label (ingest).
    Case("feed:openphish", "openphish.txt", {"url": 2}, 2, {"online-fraud"}),
    Case("feed:phishtank", "phishtank.json", {"url": 2, "ipv4": 2, "ipv6": 1}, 2,
         {"online-fraud"}),
    Case("feed:spamhaus-drop", "spamhaus-drop.txt", {"cidr": 3}, 1, {"other"}),
    Case("feed:spamhaus-drop", "spamhaus-drop.jsonl", {"cidr": 2}, 1, {"other"}),
    Case("feed:spamhaus-asndrop", "spamhaus-asndrop.txt", {"asn": 2}, 1, {"other"}),
    Case("feed:spamhaus-asndrop", "spamhaus-asndrop.jsonl", {"asn": 2}, 1, {"other"}),
    Case("feed:spamhaus-cert", "spamhaus-cert.txt", {"ipv4": 7, "url": 1}, 3,
         {"botnet", "intrusion", "online-fraud", "other"}),
    Case("feed:bambenek-c2ip", "bambenek-c2ip.txt", {"ipv4": 2}, 2, {"botnet"}),
    Case("feed:bambenek-c2dns", "bambenek-c2dns.txt", {"domain": 2}, 2, {"botnet"}),
    Case("feed:bambenek-dga", "bambenek-dga.txt", {"domain": 3}, 1, {"botnet"}),
    Case("feed:blocklistde", "blocklistde.txt", {"ipv4": 2, "ipv6": 1}, 1, {"intrusion"}),
    Case("feed:dshield-block", "dshield.txt", {"cidr": 2}, 2, {"intrusion"}),
    Case("feed:dataplane", "dataplane.txt", {"ipv4": 3}, 2, {"intrusion"}),
    Case("feed:cymru-cap", "cymru-cap.txt", {"ipv4": 5, "domain": 1, "url": 1}, 2,
         {"botnet", "intrusion", "online-fraud", "other"}),
    Case("feed:shadowserver-sinkhole", "shadowserver-sinkhole.csv", {"ipv4": 1, "ipv6": 1}, 2,
         {"botnet"}),
    Case("feed:microsoft-ctip", "microsoft-ctip.json", {"ipv4": 1, "ipv6": 1}, 3, {"botnet"},
         parts=1),
    Case("feed:microsoft-bingmurls", "microsoft-bingmurls.json", {"url": 2, "ipv4": 1}, 2,
         {"other"}, parts=1),
    Case("feed:certeu", "certeu.csv", {"ipv4": 2, "url": 2, "domain": 1}, 2,
         {"malware-distribution", "online-fraud"}, parts=1),
]


@pytest.mark.parametrize("case", CASES, ids=[c.sample for c in CASES])
def test_a_feed_sample_is_stored_with_its_themes(store: Store, case: Case) -> None:
    with store.begin() as conn:
        cert = f.member(conn, "CERT Example", kind="cert", role="contributor")
        summary = f.submit_file(conn, cert, DATA / case.sample, fmt=case.fmt)
        ids = [summary.contribution_id, *summary.parts]
        stored: dict[str, int] = dict(conn.execute(
            select(observables.c.type, func.count())
            .join(observations, observations.c.observable_id == observables.c.id)
            .where(observations.c.contribution_id.in_(ids))
            .group_by(observables.c.type)).all())
        themes = set(conn.execute(
            select(contribution_themes.c.theme)
            .where(contribution_themes.c.contribution_id == summary.contribution_id)).scalars())
    assert stored == case.stored
    assert (summary.accepted, summary.duplicates, summary.rejected) == (
        sum(case.stored.values()), case.duplicates, case.rejected)
    assert (summary.entities, summary.relationships) == (case.entities, case.relationships)
    assert len(summary.parts) == case.parts
    assert themes == case.themes


def test_feodotracker_links_resolve_to_the_stored_selectors_and_malware(store: Store) -> None:
    with store.begin() as conn:
        cert = f.member(conn, "CERT Example", kind="cert", role="contributor")
        summary = f.submit_file(conn, cert, DATA / "feodotracker.json", fmt="feed:feodotracker")
        ends = conn.execute(
            select(relationships.c.source_kind, relationships.c.target_kind)
            .where(relationships.c.contribution_id == summary.contribution_id)).all()
    assert [tuple(end) for end in ends] == [("observable", "entity")] * 5
