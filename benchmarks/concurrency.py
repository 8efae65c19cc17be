"""Many partners submitting at once: throughput, submit latency, and the hits checked.

P processes (default 8), each a partner organisation, submit F files (default 4) of N
selectors (default 5,000) each, all at once. A share of every file (default 20%) is drawn
from values every partner reports, so partners hit each other while they write. Prints the
whole run's selectors per second, each submission's latency (p50, p99, max) and the peak
memory of any submitter, and checks what the pool holds afterwards: no submission failed (no
deadlock, no lock timeout), every selector stored exactly once per file, no hit recorded
twice, and exactly the hits of the same files submitted one after another. That sequential
run, on a fresh pool in the same run, is the peer.

    .venv/bin/python -m benchmarks.concurrency [--processes 8] [--files 4] [--lines 5000]
        [--shared 0.2] [--store postgresql|sqlite] [--postgresql URL] [--json]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import drop_store, print_result, store_url, write_lines
from intelpool.access import Principal
from intelpool.access.handling import HandlingRequest
from intelpool.db.engine import make_engine
from intelpool.db.migrate import upgrade
from intelpool.partners import service
from intelpool.partners.identity import principal_for_email
from intelpool.pool import ingest

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _email(who: int) -> str:
    return f"u{who}@partner{who}.example"


def make_files(workdir: Path, processes: int, files: int, lines: int,
               shared: float) -> dict[int, list[Path]]:
    """Each partner's files: its own selectors, and a share drawn from common ones."""
    rnd = random.Random(7)
    common = [f"{rnd.randint(1, 223)}.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}."
              f"{rnd.randint(1, 254)}" for _ in range(lines)]
    common += [f"shared{i}.drop-{i % 97}.com" for i in range(lines)]
    common = sorted(set(common))
    chosen: dict[int, list[Path]] = {}
    for who in range(processes):
        chosen[who] = []
        for k in range(files):
            together = rnd.sample(common, int(lines * shared))
            own = [f"p{who}-f{k}-{i}.own-{i % 211}.net" for i in range(lines - len(together))]
            path = workdir / f"partner{who}-{k}.txt"
            write_lines(path, together + own)
            chosen[who].append(path)
    return chosen


def prepare(url: str, processes: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        for who in range(processes):
            service.add_organisation(conn, Principal.operator(), f"Partner {who:02d}",
                                     "law-enforcement" if who % 2 else "private", "DE")
            service.add_user(conn, Principal.operator(), _email(who), f"Partner {who:02d}",
                             "contributor")
    engine.dispose()


def submit_all(url: str, who: int, paths: list[Path]) -> tuple[list[float], int]:
    """Submit ``paths`` one after another as partner ``who``: latencies, selectors stored."""
    engine = make_engine(url)
    latencies, accepted = [], 0
    try:
        for path in paths:
            began = time.perf_counter()
            with engine.begin() as conn:
                summary = ingest.submit(conn, principal_for_email(conn, _email(who)),
                                        ingest.Submission(path=path, format="text",
                                                          handling=HandlingRequest(tlp="green")))
            latencies.append(time.perf_counter() - began)
            accepted += summary.accepted
    finally:
        engine.dispose()
    return latencies, accepted


def _child(url: str, who: int, paths: list[Path], barrier: Any, results: Any) -> None:
    barrier.wait(timeout=600)
    try:
        latencies, accepted = submit_all(url, who, paths)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results.put((who, {"latencies": latencies, "accepted": accepted, "peak_mib": peak}))
    except Exception as exc:  # reported, and the run fails: a deadlock or a lock timeout
        results.put((who, {"error": f"{type(exc).__name__}: {exc}"}))


def concurrent_run(url: str, chosen: dict[int, list[Path]]) -> dict[str, Any]:
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(len(chosen) + 1), ctx.Queue()
    workers = [ctx.Process(target=_child, args=(url, who, paths, barrier, results))
               for who, paths in chosen.items()]
    for worker in workers:
        worker.start()
    barrier.wait(timeout=600)
    began = time.perf_counter()
    outcome = dict(results.get(timeout=3600) for _ in workers)
    wall = time.perf_counter() - began
    for worker in workers:
        worker.join(timeout=60)
    errors = {who: r["error"] for who, r in outcome.items() if "error" in r}
    if errors:
        raise SystemExit(f"submissions failed while running at once: {errors}")
    latencies = sorted(x for r in outcome.values() for x in r["latencies"])
    return {"wall": wall, "latencies": latencies,
            "accepted": sum(r["accepted"] for r in outcome.values()),
            "peak_mib": max(r["peak_mib"] for r in outcome.values())}


def pool_state(url: str) -> dict[str, Any]:
    """What the pool holds, in terms that do not depend on ids or on who came first."""
    engine = make_engine(url)
    with engine.begin() as conn:
        hits = conn.exec_driver_sql(
            "SELECT h.kind, a.value, b.value, oa.name, ob.name FROM hits h "
            "JOIN observables a ON a.id = h.observable_a_id "
            "JOIN observables b ON b.id = h.observable_b_id "
            "JOIN organisations oa ON oa.id = h.org_a_id "
            "JOIN organisations ob ON ob.id = h.org_b_id").all()
        observations = conn.exec_driver_sql("SELECT count(*) FROM observations").scalar_one()
        twice = conn.exec_driver_sql(
            "SELECT count(*) FROM (SELECT contribution_id, observable_id FROM observations "
            "GROUP BY contribution_id, observable_id HAVING count(*) > 1) x").scalar_one()
    engine.dispose()
    pairs = [tuple(h) for h in hits]
    return {"hits": sorted(pairs), "hit_rows": len(pairs), "distinct_hits": len(set(pairs)),
            "observations": observations, "stored_twice": twice}


def _p(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--shared", type=float, default=0.2)
    parser.add_argument("--store", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--postgresql", default=os.environ.get("INTELPOOL_TEST_DATABASE_URL",
                                                               PG_DEFAULT))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        chosen = make_files(workdir, args.processes, args.files, args.lines, args.shared)
        at_once = store_url(args.store, str(workdir / "a"), args.postgresql, "bench_conc_a")
        one_by_one = store_url(args.store, str(workdir / "b"), args.postgresql,
                               "bench_conc_b")
        for sub in ("a", "b"):
            (workdir / sub).mkdir()
        try:
            prepare(at_once, args.processes)
            prepare(one_by_one, args.processes)
            began = time.perf_counter()
            sequential = [x for who, paths in chosen.items()
                          for x in submit_all(one_by_one, who, paths)[0]]
            sequential_wall = time.perf_counter() - began
            run = concurrent_run(at_once, chosen)
            found, expected = pool_state(at_once), pool_state(one_by_one)
        finally:
            for schema in ("bench_conc_a", "bench_conc_b"):
                drop_store(args.store, args.postgresql, schema)
    selectors = args.processes * args.files * args.lines
    lat = run["latencies"]
    result = {
        "store": args.store, "processes": args.processes,
        "submissions": len(lat), "selectors": selectors,
        "load_average": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
        "at_once_seconds": round(run["wall"], 2),
        "at_once_selectors_per_s": round(selectors / run["wall"]),
        "one_by_one_seconds (peer)": round(sequential_wall, 2),
        "one_by_one_selectors_per_s": round(selectors / sequential_wall),
        "ratio at once / one by one": round(sequential_wall / run["wall"], 2),
        "submit_latency_p50_s": round(statistics.median(lat), 3),
        "submit_latency_p99_s": round(_p(lat, 0.99), 3),
        "submit_latency_max_s": round(lat[-1], 3),
        "one_by_one_latency_p50_s": round(statistics.median(sequential), 3),
        "peak_mib_per_submitter": round(run["peak_mib"], 1),
        "observations": found["observations"], "hits": found["hit_rows"],
        "check_every_selector_stored_once": found["observations"] == run["accepted"]
        == expected["observations"] and found["stored_twice"] == 0,
        "check_no_hit_twice": found["hit_rows"] == found["distinct_hits"],
        "check_hits_as_one_by_one": found["hits"] == expected["hits"],
    }
    print_result(result, args.json)
    if not all(v for k, v in result.items() if k.startswith("check_")):
        raise SystemExit("the pool differs from the one-by-one run")


if __name__ == "__main__":
    main()
