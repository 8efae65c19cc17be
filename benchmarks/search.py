"""Search at pool scale on PostgreSQL: what one ``intelpool search`` costs, in one process.

Builds the pool of ``benchmarks/match.py`` (N observations from K organisations, loaded in
bulk; default 1,000,000 from 50), adds an analyst to the first partner and one AMBER
contribution with themes addressed to that partner (so the search's context and named
audience have rows to find), then runs S searches through the search service
(``pool.reads.search``, what ``intelpool search`` runs) as that analyst, each on its own
connection checkout as the command and the API do (``db.engine.one_read``: the search and its
audit record each commit on their own): a mix of values the pool holds (drawn from its observables)
and misses. Prints p50/p95/p99 latency, CPU ms per search (``time.process_time``), the peer
and the ratio, the database's own planning and execution times of the search statement
(``EXPLAIN ANALYZE``), peak memory and the load average.

The peer, measured in the same run, one lookup after each search so that a slow spell of a
shared machine falls on both: the bare SQL of the same lookup through psycopg (observables
by type and value joined to their observations, a prepared statement, autocommit), with no
parsing, no authorisation, no context and no audit record. A second peer adds what a search
may not drop: the lookup and one audit row inserted, in a transaction committed (so waiting,
as every write does, for PostgreSQL to flush its WAL).

    .venv/bin/python -m benchmarks.search [--observations N] [--searches S]
        [--postgresql-url URL] [--schema NAME] [--keep] [--profile N]

With ``--keep`` the pool is built once in the schema and later runs reuse it (a 10M pool
takes most of an hour to build); each run adds its searches' audit records to it, as the
command would. ``--profile N`` runs N more searches under cProfile and prints where
their time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, event, text

from benchmarks.common import drop_store, print_result, store_url
from benchmarks.match import _built, build_pool, pool_arguments, value
from intelpool.access import Principal
from intelpool.access.handling import HandlingRequest
from intelpool.db.engine import make_engine, one_read
from intelpool.partners import service
from intelpool.partners.identity import principal_for_email
from intelpool.pool import ingest, reads

ANALYST = "analyst@p0.example"
CONTEXT_TITLE = "search benchmark: amber contribution with themes"
AUDIT_SQL = (
    "INSERT INTO audit_events (at, actor_email, action, subject_type, subject_id, detail) "
    "VALUES (now(), %s, 'benchmark.peer', 'observable', %s, '{}')"
)
PEER_SQL = (
    "SELECT o.*, ob.type, ob.value, ob.warning FROM observables ob "
    "JOIN observations o ON o.observable_id = ob.id WHERE ob.type = %s AND ob.value = %s"
)


def prepare(eng: Engine, held: list[tuple[str, str]], work: Path) -> None:
    """The analyst and the themed AMBER contribution, once per pool."""
    with eng.begin() as conn:
        if conn.execute(text("SELECT count(*) FROM contributions WHERE title = :t"),
                        {"t": CONTEXT_TITLE}).scalar_one():
            return
        op = Principal.operator()
        service.add_user(conn, op, ANALYST, "Partner 00", "analyst")
        path = work / "context.txt"
        path.write_text("\n".join(v for _t, v in held[::3]) + "\n", encoding="utf-8")
        ingest.submit(conn, principal_for_email(conn, "u1@p1.example"), ingest.Submission(
            path=path, title=CONTEXT_TITLE, themes=["botnet", "online-fraud"],
            handling=HandlingRequest(tlp="amber", audience=["org:Partner 00"])))


def sample_values(eng: Engine, count: int, misses: int, observations: int,
                  seed: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``count`` values the pool holds (random observables) and ``misses`` it does not."""
    rnd = random.Random(seed)
    with eng.connect() as conn:
        low, high = conn.execute(text("SELECT min(id), max(id) FROM observables")).one()
        ids = sorted({rnd.randint(low, high) for _ in range(count * 3)})
        rows = conn.execute(text("SELECT type, value FROM observables WHERE id IN "
                                 f"({','.join(map(str, ids))}) ORDER BY id")).all()
    held = [(str(t), str(v)) for t, v in rows]
    rnd.shuffle(held)
    missing = [value(rnd, 90 * observations + i) for i in range(misses)]
    return held[:count], missing


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * fraction))], 2)


def one_search(eng: Engine, who: Principal, text_value: str) -> int:
    """One search with its audit record, as the command and the API run it; returns its
    result rows."""
    with one_read(eng) as conn:
        return len(reads.search(conn, who, text_value))


def explain_ms(eng: Engine, who: Principal,
               values: list[str]) -> tuple[list[float], list[float]]:
    """PostgreSQL's own planning and execution times of the statement the search sends for
    each value (caught as it is sent, then run again under EXPLAIN ANALYZE). A connection
    that runs the statement again plans it once (psycopg prepares it from the fifth time);
    a command opens a connection of its own, so it plans every time."""
    sent: list[tuple[str, Any]] = []

    def catch(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("SELECT") and not sent:
            sent.append((statement, parameters))

    planning, execution = [], []
    with eng.connect() as conn:
        for text_value in values:
            sent.clear()
            event.listen(conn, "before_cursor_execute", catch)
            with conn.begin() as transaction:
                reads.search(conn, who, text_value)
                transaction.rollback()
            event.remove(conn, "before_cursor_execute", catch)
            statement, parameters = sent[0]
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement,
                                        parameters).scalar_one()
            conn.rollback()
            planning.append(float(plan[0]["Planning Time"]))
            execution.append(float(plan[0]["Execution Time"]))
    return planning, execution


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run(url: str, observations: int, orgs: int, seed: int, searches: int,
        miss_fraction: float, keep: bool, profile: int, work: Path) -> dict[str, Any]:
    started = time.perf_counter()
    reused = keep and _built(url)
    if not reused:
        build_pool(url, observations, orgs, seed)
    build_s = time.perf_counter() - started
    eng = make_engine(url)
    misses = int(searches * miss_fraction)
    held, missing = sample_values(eng, searches - misses, misses, observations, seed + 2)
    prepare(eng, held, work)
    queries = [(v, True) for _t, v in held] + [(v, False) for _t, v in missing]
    peer_args = [(t, v) for t, v in held] + missing
    order = list(range(len(queries)))
    random.Random(seed + 3).shuffle(order)
    with eng.connect() as conn:
        who = principal_for_email(conn, ANALYST)
        total_obs = conn.execute(text("SELECT count(*) FROM observations")).scalar_one()
    load_before = uptime()
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    peer = psycopg.connect(dsn, autocommit=True)
    audited = psycopg.connect(dsn)

    def peer_with_audit(i: int) -> None:
        with audited.transaction():
            audited.execute(PEER_SQL, peer_args[i], prepare=True).fetchall()
            audited.execute(AUDIT_SQL, (ANALYST, peer_args[i][1][:64]), prepare=True)
    for i in order[:50]:  # warm up both sides: connections, caches, prepared statements
        one_search(eng, who, queries[i][0])
        peer.execute(PEER_SQL, peer_args[i], prepare=True).fetchall()
        peer_with_audit(i)
    ours: list[float] = []
    theirs: list[float] = []
    floors: list[float] = []
    cpu_ours = cpu_peer = 0.0
    found_rows = held_empty = 0
    for i in order:
        c0, t0 = time.process_time(), time.perf_counter()
        rows = one_search(eng, who, queries[i][0])
        c1, t1 = time.process_time(), time.perf_counter()
        peer.execute(PEER_SQL, peer_args[i], prepare=True).fetchall()
        c2, t2 = time.process_time(), time.perf_counter()
        peer_with_audit(i)
        floors.append((time.perf_counter() - t2) * 1000)
        ours.append((t1 - t0) * 1000)
        theirs.append((t2 - t1) * 1000)
        cpu_ours += c1 - c0
        cpu_peer += c2 - c1
        found_rows += rows
        held_empty += int(queries[i][1] and rows == 0)
    plan_ms, db_ms = explain_ms(eng, who, [queries[i][0] for i in order[:100]])
    load_after = uptime()
    peer.close()
    audited.close()
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for i in (order * (profile // len(order) + 1))[:profile]:
            one_search(eng, who, queries[i][0])
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    eng.dispose()
    n = len(order)
    return {
        "store": "postgresql", "reused_pool": reused, "build_s": round(build_s, 1),
        "observations": total_obs, "searches": n, "held": len(held), "misses": len(missing),
        "held_not_found": held_empty, "rows_per_search": round(found_rows / n, 2),
        "p50_ms": percentile(ours, 0.5), "p95_ms": percentile(ours, 0.95),
        "p99_ms": percentile(ours, 0.99), "max_ms": percentile(ours, 1.0),
        "cpu_ms_per_search": round(cpu_ours * 1000 / n, 3),
        "peer": "bare SQL of the lookup through psycopg (prepared, no authorisation)",
        "peer_p50_ms": percentile(theirs, 0.5), "peer_p99_ms": percentile(theirs, 0.99),
        "peer_cpu_ms_per_search": round(cpu_peer * 1000 / n, 3),
        "ratio_p50": round(statistics.median(ours) / statistics.median(theirs), 1),
        "ratio_p99": round(percentile(ours, 0.99) / max(percentile(theirs, 0.99), 0.01), 1),
        "peer_with_audit": "the same lookup and an audit INSERT, committed (psycopg)",
        "peer_with_audit_p50_ms": percentile(floors, 0.5),
        "peer_with_audit_p99_ms": percentile(floors, 0.99),
        "ratio_p99_to_peer_with_audit": round(percentile(ours, 0.99)
                                              / max(percentile(floors, 0.99), 0.01), 1),
        "db_execution_ms_p50": percentile(db_ms, 0.5),
        "db_execution_ms_max": percentile(db_ms, 1.0),
        "db_planning_ms_p50": percentile(plan_ms, 0.5),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_before": load_before, "load_after": load_after,
        "target": "p99 under 10 ms",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    pool_arguments(parser, observations=1_000_000, schema="intelpool_search")
    parser.add_argument("--searches", type=int, default=1000)
    parser.add_argument("--miss-fraction", type=float, default=0.25)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="then profile N more searches (printed to stderr)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"{args.postgresql_url}?options=-csearch_path%3D{args.schema}"
        if not (args.keep and _built(url)):
            url = store_url("postgresql", tmp, args.postgresql_url, args.schema)
        result = run(url, args.observations, args.orgs, args.seed, args.searches,
                     args.miss_fraction, args.keep, args.profile, Path(tmp))
        if not args.keep:
            drop_store("postgresql", args.postgresql_url, args.schema)
    print_result(result, args.json)


if __name__ == "__main__":
    main()
