"""Background submissions: throughput and latency from ``submit --background`` to done.

Starts W ``intelpool worker`` processes, queues J submissions of L selectors each, and
prints the time from queueing to done of every job (p50, p99), the selectors stored per
second, the workers' peak memory, and the peer measure: the same submissions (other values,
same sizes) made one after the other in the foreground, in one process, in the same run.

    .venv/bin/python -m benchmarks.jobs --db postgresql://postgres@HOST/DB [--jobs 8]
        [--lines 20000] [--workers 2]
    .venv/bin/python -m benchmarks.jobs --store sqlite   # runs in-process, one at a time
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, select

from benchmarks.common import selector_lines
from intelpool.access import Principal
from intelpool.access.handling import HandlingRequest
from intelpool.config import normalise_database_url
from intelpool.db.engine import make_engine
from intelpool.db.migrate import upgrade
from intelpool.db.tables import jobs
from intelpool.jobs import service as job_service
from intelpool.partners import service as partners
from intelpool.partners.identity import principal_for_email
from intelpool.pool import ingest
from intelpool.pool.submission import Submission


def _pool_url(args: argparse.Namespace, scratch: Path) -> tuple[str, str | None]:
    if args.store == "sqlite":
        return f"sqlite:///{scratch / 'pool.db'}", None
    base = normalise_database_url(args.db)
    schema = f"bench_jobs_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    admin.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}", schema


def _files(scratch: Path, tag: str, count: int, lines: int, seed: int) -> list[Path]:
    paths = []
    for n in range(count):
        path = scratch / f"{tag}-{n}.txt"
        path.write_text("\n".join(selector_lines(lines, seed=seed + n)) + "\n")
        paths.append(path)
    return paths


def _submission(path: Path) -> Submission:
    return Submission(path=path, handling=HandlingRequest(tlp="green"))


def _start_workers(args: argparse.Namespace, url: str,
                   engine: Engine) -> list[subprocess.Popen[bytes]]:
    """PostgreSQL workers started and registered before the first job is queued."""
    if args.store == "sqlite":
        return []
    workers = [subprocess.Popen([sys.executable, "-m", "intelpool", "worker", "--db", url,
                                 "--heartbeat", "2"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(args.workers)]
    while True:
        with engine.connect() as conn:
            ready = conn.exec_driver_sql("SELECT count(*) FROM procrastinate_workers").scalar()
        if ready == args.workers:
            return workers
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--db", default=os.environ.get("INTELPOOL_BENCH_DATABASE_URL"),
                        help="PostgreSQL database to hold a scratch schema")
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.store == "postgresql" and not args.db:
        parser.error("--db (or INTELPOOL_BENCH_DATABASE_URL) names the PostgreSQL database")
    with tempfile.TemporaryDirectory(prefix="intelpool-bench-jobs-") as tmp:
        scratch = Path(tmp)
        url, schema = _pool_url(args, scratch)
        engine = make_engine(url)
        upgrade(engine)
        with engine.begin() as conn:
            partners.add_organisation(conn, Principal.operator(), "Police DE",
                                      "law-enforcement", "DE")
            partners.add_user(conn, Principal.operator(), "a@police.example", "Police DE",
                              "contributor")
        foreground = _files(scratch, "fg", args.jobs, args.lines, seed=1000)
        background = _files(scratch, "bg", args.jobs, args.lines, seed=2000)
        selectors = args.jobs * args.lines

        start = time.perf_counter()
        for path in foreground:
            with engine.begin() as conn:
                ingest.submit(conn, principal_for_email(conn, "a@police.example"),
                              _submission(path))
        peer = time.perf_counter() - start

        workers = _start_workers(args, url, engine)
        queued_at, ids = {}, []
        for path in background:
            before = time.perf_counter()
            with engine.begin() as conn:
                ids.append(job_service.submit_in_background(
                    conn, principal_for_email(conn, "a@police.example"), _submission(path)))
            queued_at[ids[-1]] = time.perf_counter()
            queued_at[-ids[-1]] = queued_at[ids[-1]] - before  # the call's own duration
        start = min(queued_at[i] for i in ids)
        if args.store == "sqlite":
            job_service.start_runner(url, engine)
        done_at: dict[int, float] = {}
        while len(done_at) < len(ids):
            with engine.connect() as conn:
                for job_id, state in conn.execute(select(jobs.c.id, jobs.c.state)):
                    if state in ("done", "failed") and job_id not in done_at:
                        assert state == "done", f"job {job_id} failed"
                        done_at[job_id] = time.perf_counter()
            time.sleep(0.05)
        wall = max(done_at.values()) - start
        for worker in workers:
            worker.terminate()
            worker.wait(60)
        time.sleep(0.5)  # the SQLite runner exits by itself once the queue is empty
        latencies = sorted(done_at[i] - queued_at[i] for i in ids)
        enqueue = sorted(queued_at[-i] for i in ids)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        engine.dispose()
        if schema:
            admin = make_engine(normalise_database_url(args.db))
            with admin.begin() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
            admin.dispose()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    runners = "in-process runner" if args.store == "sqlite" else f"{args.workers} workers"
    print(f"store {args.store}: {args.jobs} jobs of {args.lines:,} selectors, {runners}")
    print(f"  queueing (submit --background returns): p50 {statistics.median(enqueue):.3f} s")
    print(f"  queued to done: p50 {statistics.median(latencies):.2f} s, p99 {p99:.2f} s")
    print(f"  background: all done in {wall:.2f} s = {selectors / wall:,.0f} selectors/s, "
          f"{args.jobs / wall:.2f} jobs/s")
    print(f"  peer, foreground one after the other: {peer:.2f} s = "
          f"{selectors / peer:,.0f} selectors/s")
    print(f"  ratio background/foreground wall time: {wall / peer:.2f}")
    print(f"  workers' peak memory (largest child): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
