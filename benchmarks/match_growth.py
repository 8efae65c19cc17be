"""Matching as a pool grows through many medium submissions, with no manual ANALYZE.

A taskforce's load: K organisations (default 25) each submit a list of N domains (default
20,000) of the form ``h{i}.pool-{i % 1013}.com``, ``i`` running on across organisations,
through the ingest service as partners do. Autovacuum is switched off for the pool's tables
(it is off on many machines), so the planner has only the statistics intelpool keeps itself.
Prints every submission's time and its matching time; the peer is the first submission,
measured in the same run: the same work on an empty pool. A pool whose matching plans hold
keeps the last submission's time near the first's.

    .venv/bin/python -m benchmarks.match_growth [--orgs K] [--domains N]
        [--store postgresql|sqlite] [--give-up SECONDS]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import print_result, store_url
from intelpool.access import Principal
from intelpool.access.handling import HandlingRequest
from intelpool.config import Settings
from intelpool.db.engine import make_engine
from intelpool.db.migrate import upgrade
from intelpool.matching import engine
from intelpool.matching.summary import MatchSummary
from intelpool.partners import service
from intelpool.partners.identity import principal_for_email
from intelpool.pool import ingest

MODULUS = 1013  # parent domains the lists share


def domain_list(org: int, domains: int) -> list[str]:
    start = org * domains
    return [f"h{i}.pool-{i % MODULUS}.com" for i in range(start, start + domains)]


def run(url: str, orgs: int, domains: int, give_up: float, workdir: Path) -> dict[str, Any]:
    eng = make_engine(url)
    upgrade(eng)
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            for table in ("observables", "observations", "contributions", "hits"):
                conn.exec_driver_sql(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
        op = Principal.operator()
        for k in range(orgs):
            service.add_organisation(conn, op, f"Partner {k:02d}", "law-enforcement", "DE")
            service.add_user(conn, op, f"u{k}@p{k}.example", f"Partner {k:02d}", "contributor")
    match_times: list[float] = []
    original = engine.match_submission

    def timed(*args: Any, **kwargs: Any) -> MatchSummary:
        t0 = time.perf_counter()
        result = original(*args, **kwargs)
        match_times.append(time.perf_counter() - t0)
        return result

    engine.match_submission = timed
    seconds: list[float] = []
    hits = 0
    try:
        for k in range(orgs):
            path = workdir / f"org{k}.txt"
            path.write_text("\n".join(domain_list(k, domains)) + "\n", encoding="utf-8")
            started = time.perf_counter()
            with eng.begin() as conn:
                who = principal_for_email(conn, f"u{k}@p{k}.example")
                summary = ingest.submit(conn, who, ingest.Submission(
                    path=path, handling=HandlingRequest(tlp="green")), settings=Settings())
            seconds.append(time.perf_counter() - started)
            hits += summary.new_hits
            print(f"  submission {k + 1}/{orgs}: {seconds[-1]:.2f} s "
                  f"(matching {match_times[-1]:.2f} s)", file=sys.stderr, flush=True)
            if seconds[-1] > give_up:
                print(f"  stopped: submission {k + 1} took over {give_up:.0f} s",
                      file=sys.stderr, flush=True)
                break
    finally:
        engine.match_submission = original
        eng.dispose()
    first, last = seconds[0], seconds[-1]
    return {
        "store": url.split(":")[0], "organisations": orgs, "domains_per_submission": domains,
        "submissions_done": len(seconds), "hits": hits,
        "peer": "the first submission (same work, empty pool)",
        "first_submission_s": round(first, 2), "first_matching_s": round(match_times[0], 2),
        "last_submission": len(seconds), "last_submission_s": round(last, 2),
        "last_matching_s": round(match_times[-1], 2),
        "ratio_last_to_first": round(last / first, 2),
        "slowest_submission_s": round(max(seconds), 2),
        "last_rate_domains_per_s": round(domains / last),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "all_submissions_s": [round(s, 2) for s in seconds],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--orgs", type=int, default=25)
    parser.add_argument("--domains", type=int, default=20_000)
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--postgresql-url",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--give-up", type=float, default=300.0,
                        help="stop after a submission that took longer than this (seconds)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = store_url(args.store, tmp, args.postgresql_url, "intelpool_growth")
        result = run(url, args.orgs, args.domains, args.give_up, Path(tmp))
    print_result(result, args.json)


if __name__ == "__main__":
    main()
