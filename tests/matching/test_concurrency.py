"""Submissions that land at the same time find each other's hits, as one after the other would.

Eight partners on PostgreSQL (four on the embedded store, whose writers queue for one lock)
submit at once from separate processes, with selectors they share with each other and with a
partner already in the pool: the same values, an address inside a CIDR, a
domain and the URL, e-mail address and subdomains below it; an operator's rematch runs at the
same time. The hits, the notifications, the statistics' shared selectors and the submit
summaries must be exactly those of the same submissions made one after the other.
"""

from __future__ import annotations

import multiprocessing
import re
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from intelpool.config import Settings
from intelpool.db.engine import make_engine
from intelpool.db.tables import metadata
from intelpool.matching import engine as matching
from intelpool.partners.identity import principal_for_email
from tests import factories as f
from tests.conftest import Store

SUBMITTERS = {"postgresql": 8, "sqlite": 4}
KEEP = {"organisations", "users", "tokens", "sharing_groups", "sharing_group_members"}


def _lines(who: int) -> list[str]:
    """Submitter ``who``'s selectors (-1: the partner whose data is in the pool already)."""
    # Held by every partner, and already in the pool: on PostgreSQL nothing makes the
    # submitters wait for each other while they write these.
    lines = [f"45.137.{i // 200}.{i % 200 + 1}" for i in range(400)]
    if who == -1:
        return [*lines, "gate-pool.com"]
    # New to the pool, shared by two submitters: on SQLite the second writer must still
    # match the ones the first wrote.
    pair = who // 2
    lines += [f"91.{200 + pair}.{i // 200}.{i % 200 + 1}" for i in range(300)]
    lines += {0: ["185.100.0.0/16"], 1: ["a.gate-pool.com"],
              2: [f"185.100.7.{i}" for i in range(1, 21)] + ["b.a.gate-pool.com"],
              3: ["http://a.gate-pool.com/x.php", "mule@gate-pool.com"]}[who % 4]
    # Each submitter's own, so that the writing takes a while.
    return lines + [f"n{j}.noise{who}.org" for j in range(1500)]


def _expected_hits(submitters: int) -> int:
    """What ``_lines`` holds: 400 values shared by every pair of partners (the one in the pool
    included), 300 by each pair of submitters, and each quarter of the submitters holding
    one of four sets of related values: a CIDR, 20 addresses inside it, domains below the
    pool partner's domain, a URL on one of them and an e-mail address on its domain."""
    everyone, k = submitters + 1, submitters // 4
    return (everyone * (everyone - 1) // 2 * 400 + submitters // 2 * 300
            + k * (k - 1) // 2 * 25  # the same special values held by two submitters
            + k * k * 20  # addresses inside the CIDR
            + k + k * k + k  # a. under gate-pool.com, b.a. under a. and under gate-pool.com
            + k * k + k)  # the URL's host, the e-mail address's domain


def _setup(conn: Connection, tmp_path: Path, submitters: int) -> dict[int, Path]:
    for who in range(-1, submitters):
        f.member(conn, f"Partner {who + 1}", role="contributor")
    files = {}
    for who in range(-1, submitters):
        files[who] = tmp_path / f"partner{who + 1}.txt"
        files[who].write_text("\n".join(_lines(who)) + "\n", encoding="utf-8")
    return files


def _email(who: int) -> str:
    return f"contributor@partner-{who + 1}.example"


def _submit(url: str, who: int, path: Path) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            summary = f.submit_file(conn, principal_for_email(conn, _email(who)), path)
        return summary.new_hits, summary.refreshed_hits
    finally:
        engine.dispose()


def _submit_at_once(url: str, who: int, path: Path, barrier: Any, results: Any) -> None:
    # A forked child leaves the parent's pooled connections alone (it never touches them,
    # and exits without finalising them) and opens its own.
    barrier.wait(timeout=60)
    results.put((who, _submit(url, who, path)))


def _rematch_at_once(url: str, barrier: Any, results: Any) -> None:
    barrier.wait(timeout=60)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            matching.rematch(conn, Settings())
    finally:
        engine.dispose()
    results.put(("rematch", (0, 0)))


def _outcome(conn: Connection) -> dict[str, Any]:
    """The hits and notifications of the pool, in terms that do not depend on ids or order."""
    hits = conn.exec_driver_sql(
        "SELECT h.kind, a.type || ' ' || a.value, b.type || ' ' || b.value, oa.name, ob.name "
        "FROM hits h JOIN observables a ON a.id = h.observable_a_id "
        "JOIN observables b ON b.id = h.observable_b_id "
        "JOIN organisations oa ON oa.id = h.org_a_id JOIN organisations ob ON "
        "ob.id = h.org_b_id").all()
    # Which side learns as the submitter depends on who came last; the count per partner
    # pair does not.
    notes = conn.exec_driver_sql(
        "SELECT o.name, n.kind, n.message FROM notifications n "
        "JOIN organisations o ON o.id = n.organisation_id").all()
    counted = Counter((name, kind, int(re.findall(r"match(?:ed|ing) (\d+)", message)[0]))
                      for name, kind, message in notes)
    # The statistics' shared selectors: every observation of a value two partners hold.
    shared = conn.exec_driver_sql(
        "SELECT v.type || ' ' || v.value, o.name FROM shared_observations s "
        "JOIN observables v ON v.id = s.observable_id "
        "JOIN contributions c ON c.id = s.contribution_id "
        "JOIN organisations o ON o.id = c.originator_id").all()
    return {"hits": sorted(tuple(h) for h in hits), "notifications": counted,
            "shared": sorted(tuple(x) for x in shared)}


def _empty_pool(store: Store) -> None:
    with store.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name not in KEEP:
                conn.execute(table.delete())


def test_parallel_submissions_find_what_sequential_ones_find(store: Store,
                                                             tmp_path: Path) -> None:
    submitters = SUBMITTERS[store.name]
    with store.begin() as conn:
        files = _setup(conn, tmp_path, submitters)
    sequential = [_submit(store.url, who, files[who]) for who in range(-1, submitters)]
    with store.begin() as conn:
        expected = _outcome(conn)
    _empty_pool(store)

    _submit(store.url, -1, files[-1])
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(submitters + 1), ctx.Queue()
    workers = [ctx.Process(target=_submit_at_once,
                           args=(store.url, who, files[who], barrier, results))
               for who in range(submitters)]
    workers.append(ctx.Process(target=_rematch_at_once, args=(store.url, barrier, results)))
    for worker in workers:
        worker.start()
    parallel = dict(results.get(timeout=180) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    with store.begin() as conn:
        found = _outcome(conn)

    assert _expected_hits(4) == 400 * 10 + 300 * 2 + 20 + 3 + 1 + 1
    assert len(expected["hits"]) == _expected_hits(submitters)
    assert found["hits"] == expected["hits"]
    assert found["notifications"] == expected["notifications"]
    assert found["shared"] == expected["shared"]
    # Every hit is counted new once, by whichever submission recorded it.
    assert sum(new for new, _ in parallel.values()) == len(found["hits"])
    assert sum(new for new, _ in sequential) == len(expected["hits"])
    assert all(refreshed == 0 for _, refreshed in [*parallel.values(), *sequential])
