"""The statistics summary kept at ingest counts exactly what raw observations count: for
every viewer (a stranger counts nothing hidden), after submissions, retyping and merging,
and when a whole pool's summary is filled at once (the migration's way)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, delete, func, insert, select, true

from intelpool.access import Principal
from intelpool.access.disclosure import TOTAL
from intelpool.analysis import statistics, trends
from intelpool.analysis.periods import Period, date_range
from intelpool.db.retype import retype_observables
from intelpool.db.tables import (
    contributions,
    observables,
    observation_counts,
    observations,
    shared_observations,
    subject_counts,
)
from intelpool.pool import summary
from tests.analysis import builders, raw_statistics
from tests.conftest import Store
from tests.factories import member, submit_file

ONION = "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion"
KINDS = ("law-enforcement", "private", "cert")
THEMES = ("botnet", "online-fraud", "intrusion", "malware-distribution")
ROLES = ("", "c2", "phishing", "mule-account", "command-and-control")
DIMENSIONS: list[tuple[str, ...]] = [(), ("theme",), ("type", "month"), ("originator", "week"),
                                     ("partner-kind", "quarter"), ("country", "theme"),
                                     ("theme", "month"), ("month",)]


def _selectors(rnd: random.Random) -> list[tuple[str, str]]:
    """A small universe, so contributions share selectors (within and across partners)."""
    out = [("domain", f"{rnd.choice(['mybank', 'paybank', 'cdn'])}-login-{i}.example."
                      f"{rnd.choice(['com', 'ru', 'top'])}") for i in range(12)]
    out += [("ipv4", f"45.9.{i}.{rnd.randint(1, 200)}") for i in range(8)]
    out += [("url", f"http://paybank-secure-{i}.example.net/x") for i in range(5)]
    out += [("asn", f"AS{64500 + i}") for i in range(3)]
    out += [("cidr", f"45.{10 + i}.0.0/24") for i in range(3)]
    out += [("iban", "DE89370400440532013000"), ("iban", "GB82WEST12345698765432"),
            ("btc-wallet", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT")]
    return out


def _csv(rnd: random.Random, path: Path, universe: list[tuple[str, str]]) -> Path:
    lines = ["type,value,first_seen,role"]
    for kind, value in rnd.sample(universe, rnd.randint(1, 12)):
        day = date(2025, 1, 1) + timedelta(days=rnd.randint(0, 119))
        seen = f"{day}T{rnd.randint(0, 23):02d}:30:00Z" if rnd.random() < 0.85 else ""
        lines.append(f"{kind},{value},{seen},{rnd.choice(ROLES)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _pool(conn: Connection, tmp_path: Path, seed: int) -> list[Principal]:
    rnd = random.Random(seed)
    people = [member(conn, f"Org {i}", KINDS[i % 3]) for i in range(5)]
    universe = _selectors(rnd)
    for n in range(16):
        who = rnd.choice(people)
        tlp = rnd.choice(["clear", "green", "amber", "amber", "red"])
        named = rnd.sample([p for p in people if p is not who], rnd.randint(0, 2))
        audience = [f"org:{p.organisation_name}" for p in named] if tlp in ("amber", "red") \
            else None
        path = _csv(rnd, tmp_path / f"c{seed}-{n}.csv", universe)
        submit_file(conn, who, path, tlp=tlp, fmt="csv", audience=audience,
                    themes=rnd.sample(THEMES, rnd.randint(0, 2)),
                    anonymous=rnd.random() < 0.2)
    for n, name in enumerate(("Emotet", "QakBot")):
        bundle = builders.bundle(tmp_path / f"b{seed}-{n}.json", [
            (builders.malware(name), builders.ring(f"{name.lower()}{seed}", 4))])
        submit_file(conn, people[n], bundle, tlp="green", themes=["botnet"])
    people.append(member(conn, "Stranger Bank", "private"))
    return people


def _statistics_agree(conn: Connection, people: list[Principal]) -> None:
    everything = date_range(None, None)
    some_days = Period(datetime(2025, 2, 3, tzinfo=UTC), datetime(2025, 3, 21, tzinfo=UTC),
                       "some days")
    months = Period(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 5, 1, tzinfo=UTC),
                    "2025-01 to 2025-04")
    for viewer in people:
        for dims in DIMENSIONS:
            for period in (everything, some_days):
                kept = statistics.visible_statistics(conn, viewer, dims, period)
                raw = raw_statistics.visible_statistics(conn, viewer, dims, period)
                assert kept.cells == raw.cells, (viewer.organisation_name, dims, period.label)
    # A stranger counts what the whole pool may see, and nothing of anything hidden.
    kept = statistics.visible_statistics(conn, people[-1], (), everything)
    pool_wide = conn.execute(select(func.count()).select_from(observations.join(
        contributions, contributions.c.id == observations.c.contribution_id)).where(
        contributions.c.audience_pool == true())).scalar_one()
    assert kept.cells[(TOTAL,)]["observations"] == pool_wide
    for dims in [d for d in DIMENSIONS if "originator" not in d and "week" not in d]:
        kept = statistics.partnership_statistics(conn, people[0], dims, months,
                                                 statistics.DisclosureRules(min_count=2))
        raw = raw_statistics.partnership_statistics(conn, people[0], dims, months,
                                                    statistics.DisclosureRules(min_count=2))
        assert kept.cells == raw.cells, dims


def _trends_agree(conn: Connection, people: list[Principal]) -> None:
    windows = trends.Windows(datetime(2025, 5, 1, tzinfo=UTC), timedelta(days=14), 4, "2w")
    for viewer in people:
        for category in trends.CATEGORIES:
            for theme in (None, "botnet"):
                kept = trends._series(conn, viewer, category, windows, theme)
                raw = raw_statistics.trend_series(conn, viewer, category, windows, theme)
                assert kept == raw, (viewer.organisation_name, category, theme)


def _rows(conn: Connection) -> dict[str, set[tuple[Any, ...]]]:
    return {t.name: {tuple(r) for r in conn.execute(select(t))}
            for t in (observation_counts, shared_observations, subject_counts)}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summary_counts_what_raw_observations_count(store: Store, tmp_path: Path,
                                                    seed: int) -> None:
    with store.begin() as conn:
        people = _pool(conn, tmp_path, seed)
        assert conn.execute(select(shared_observations)).first() is not None
        _statistics_agree(conn, people)
        _trends_agree(conn, people)


def test_summary_follows_retyped_and_merged_selectors(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        people = _pool(conn, tmp_path, 7)
        police, bank = people[0], people[1]
        path = tmp_path / "onion.csv"
        path.write_text(f"type,value,first_seen,role\nhostname,{ONION},2025-02-10T00:00:00Z,c2\n")
        held = submit_file(conn, bank, path, tlp="green", fmt="csv").contribution_id
        # An older pool stored the same onion service as a domain, in two contributions.
        domain = int(conn.execute(insert(observables).values(type="domain", value=ONION)
                                  .returning(observables.c.id)).scalar_one())
        other = submit_file(conn, police, _csv(random.Random(5), tmp_path / "p.csv",
                                               _selectors(random.Random(5))),
                            tlp="green", fmt="csv").contribution_id
        for cid in (held, other):
            conn.execute(insert(observations).values(
                contribution_id=cid, observable_id=domain,
                first_seen=datetime(2025, 3, 2, tzinfo=UTC), role="c2"))
        summary.refresh(conn, [domain])  # the summary such a pool had before retyping
        _statistics_agree(conn, people)
        assert retype_observables(conn) == 1
        _statistics_agree(conn, people)
        _trends_agree(conn, people)


def test_a_whole_pools_summary_filled_at_once_equals_the_one_kept_at_ingest(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        _pool(conn, tmp_path, 11)
        kept = _rows(conn)
        for table in (observation_counts, shared_observations, subject_counts):
            conn.execute(delete(table))
        summary.record(conn, None)
        assert _rows(conn) == kept
