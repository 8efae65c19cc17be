"""Matching at pool scale: hits for a new submission, a full rematch, and storage growth.

Builds a pool of N observations from K organisations (default 10,000,000 from 50; loaded in
bulk, then matched once by a full rematch), submits a contribution of 100,000 selectors of
which 5% are already held by others, and prints:
- the time to match that submission and record its hits (target under 2 s embedded),
- the full rematch time (target under 2 minutes),
- stored hit rows next to the rows a pairwise correlation table (MISP-style: one row per pair
  of sightings of the same value) would hold for the same data: the peer measure.

    .venv/bin/python -m benchmarks.match [--observations N] [--orgs K] [--store sqlite|postgresql]
        [--schema NAME] [--keep [--build-only]]

With ``--keep`` the pool is built once and kept (a PostgreSQL schema, or ``--sqlite-file``)
and later runs with the same options reuse it: the submission is then rolled back, so the
pool stays as built. Without it each run builds a fresh pool.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine

from benchmarks.common import print_result, store_url
from intelpool.access import Principal
from intelpool.access.handling import HandlingRequest
from intelpool.config import Settings
from intelpool.db import bulk
from intelpool.db.engine import make_engine
from intelpool.db.migrate import upgrade
from intelpool.db.types import utcnow
from intelpool.matching import derive, engine
from intelpool.matching.summary import MatchSummary
from intelpool.partners import service
from intelpool.partners.identity import principal_for_email
from intelpool.pool import ingest

SHARED_FRACTION = 0.1  # of each organisation's selectors, drawn from values others hold too
BATCHES = 4  # contributions per organisation (a feed re-submitted over time)
REPEAT_FRACTION = 0.3  # of a later contribution, values the organisation reported before


def value(rnd: random.Random, i: int) -> tuple[str, str]:
    kind = i % 5
    if kind == 0:
        return "ipv4", f"{rnd.randint(11, 99)}.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}." \
                       f"{rnd.randint(1, 254)}"
    if kind == 1:
        return "domain", f"host{i}.bench{rnd.randint(1, 999)}.net"
    if kind == 2:
        return "url", f"http://site{i}.bench{rnd.randint(1, 99)}.org/p/{i:x}"
    if kind == 3:
        return "sha256", f"{rnd.getrandbits(256):064x}"
    return "email", f"user{i}@mail{rnd.randint(1, 999)}.bench.com"


def build_pool(url: str, observations: int, orgs: int, seed: int) -> list[tuple[str, str]]:
    """Bulk-load the pool; returns the shared values (held by several organisations)."""
    rnd = random.Random(seed)
    eng = make_engine(url)
    upgrade(eng)
    shared = [value(rnd, i) for i in range(observations // 20)]
    per_org = observations // orgs
    with eng.begin() as conn:
        op = Principal.operator()
        for k in range(orgs):
            service.add_organisation(conn, op, f"Partner {k:02d}", "law-enforcement", "DE")
            service.add_user(conn, op, f"u{k}@p{k}.example", f"Partner {k:02d}", "contributor")
        service.add_organisation(conn, op, "Newcomer", "private", "NL")
        service.add_user(conn, op, "new@bank.example", "Newcomer", "contributor")
    next_id = 0
    per_batch = per_org // BATCHES
    for k in range(orgs):
        earlier: list[tuple[str, str]] = []
        for batch in range(BATCHES):
            values = set()
            while len(values) < per_batch:
                roll = rnd.random()
                if earlier and roll < REPEAT_FRACTION:
                    values.add(rnd.choice(earlier))
                elif roll < REPEAT_FRACTION + SHARED_FRACTION:
                    values.add(rnd.choice(shared))
                else:
                    values.add(value(rnd, 10 * observations + next_id))
                    next_id += 1
            earlier.extend(values)
            _load_contribution(eng, k + 1, f"bench{k}-{batch}", sorted(values))
        print(f"  loaded partner {k + 1}/{orgs}", file=sys.stderr, flush=True)
    with eng.begin() as conn:
        conn.exec_driver_sql("ANALYZE")  # what autovacuum would do after such a load
    eng.dispose()
    return shared


def _load_contribution(eng: Engine, org: int, name: str,
                       values: list[tuple[str, str]]) -> None:
    with eng.begin() as conn:
        cid = conn.exec_driver_sql(
            "INSERT INTO contributions (originator_id, submitter_id, received_at, format, "
            "content_hash, handling_fingerprint, tlp, pap, handling_codes, anonymous, "
            f"audience_pool, accepted, duplicates, rejected) VALUES ({org}, {org}, "
            f"{bulk.param(conn, 'now')}, 'text', '{name}', 'green', 'green', 'clear', '', "
            "false, true, 0, 0, 0) RETURNING id", {"now": bulk.db_time(conn, utcnow())}
        ).scalar_one()
        bulk.create_temp_table(conn, "tmp_bench", "type VARCHAR(32), value TEXT, "
                               "ip_lo VARCHAR(32), ip_hi VARCHAR(32), host TEXT, rev_name TEXT")
        bulk.load_rows(conn, "tmp_bench", ("type", "value", "ip_lo", "ip_hi", "host",
                                           "rev_name"),
                       [(t, v, *derive.keys(t, v)) for t, v in values])
        conn.exec_driver_sql(
            "INSERT INTO observables (type, value, ip_lo, ip_hi, host, rev_name) SELECT "
            "type, value, ip_lo, ip_hi, host, rev_name FROM tmp_bench WHERE true "
            "ON CONFLICT (type, value) DO NOTHING")
        conn.exec_driver_sql(
            f"INSERT INTO observations (contribution_id, observable_id) SELECT {cid}, o.id "
            "FROM tmp_bench t JOIN observables o ON o.type = t.type AND o.value = t.value")


def _built(url: str) -> bool:
    """Does ``url`` already hold a benchmark pool (its newcomer organisation is added first)?"""
    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            return bool(conn.exec_driver_sql(
                "SELECT count(*) FROM organisations WHERE name = 'Newcomer'").scalar_one())
    except Exception:  # no tables yet
        return False
    finally:
        eng.dispose()


def shared_values(observations: int, seed: int) -> list[tuple[str, str]]:
    """The shared values of a pool built with this seed (the first draws of its generator)."""
    rnd = random.Random(seed)
    return [value(rnd, i) for i in range(observations // 20)]


def run(url: str, observations: int, orgs: int, seed: int, workdir: Path,
        keep: bool = False) -> dict[str, object]:
    started = time.perf_counter()
    reused = keep and _built(url)
    shared = shared_values(observations, seed) if reused else \
        build_pool(url, observations, orgs, seed)
    build_s = time.perf_counter() - started
    eng = make_engine(url)
    settings = Settings()
    started = time.perf_counter()
    with eng.begin() as conn:
        rematch = engine.rematch(conn, settings)
    rematch_s = time.perf_counter() - started
    rnd = random.Random(seed + 1)
    lines = [v for _t, v in rnd.sample(shared, 5_000)]
    lines += [value(rnd, 50 * observations + i)[1] for i in range(95_000)]
    source = workdir / "new.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    timings: list[float] = []
    original = engine.match_submission

    def timed(*args: object, **kwargs: object) -> MatchSummary:
        t0 = time.perf_counter()
        result = original(*args, **kwargs)  # type: ignore[arg-type]
        timings.append(time.perf_counter() - t0)
        return result

    engine.match_submission = timed  # type: ignore[assignment]
    started = time.perf_counter()
    conn = eng.connect()
    with conn.begin() as transaction:
        who = principal_for_email(conn, "new@bank.example")
        summary = ingest.submit(conn, who, ingest.Submission(
            path=source, handling=HandlingRequest(tlp="green")), settings=settings)
        if keep:
            transaction.rollback()  # the kept pool stays as built, for the next run
    submit_s = time.perf_counter() - started
    engine.match_submission = original  # type: ignore[assignment]
    with conn:
        hit_rows = conn.exec_driver_sql("SELECT count(*) FROM hits").scalar_one()
        total_obs = conn.exec_driver_sql("SELECT count(*) FROM observations").scalar_one()
        pairwise = conn.exec_driver_sql(
            "SELECT COALESCE(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM "
            "observations GROUP BY observable_id) per_value").scalar_one()
    eng.dispose()
    return {
        "store": url.split(":")[0], "reused_pool": reused, "observations": total_obs,
        "organisations": orgs + 1,
        "build_s": round(build_s, 1), "full_rematch_s": round(rematch_s, 1),
        "rematch_hits": rematch.hits, "rematch_widespread": rematch.widespread,
        "submission_selectors": len(lines), "submission_hits": summary.new_hits,
        "match_and_record_s": round(timings[0], 2), "submit_total_s": round(submit_s, 2),
        "hit_rows": hit_rows, "peer": "pairwise correlation table (one row per sighting pair)",
        "pairwise_rows": int(pairwise),
        "ratio_pairwise_to_hit_rows": round(int(pairwise) / max(hit_rows, 1), 1),
        "targets": "match under 2 s (embedded); full rematch under 2 minutes",
    }


def pool_arguments(parser: argparse.ArgumentParser, *, observations: int, schema: str) -> None:
    """The options of the generated pool and of keeping it (``benchmarks/search.py`` too)."""
    parser.add_argument("--observations", type=int, default=observations)
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--postgresql-url",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--schema", default=schema, help="the PostgreSQL schema of the pool")
    parser.add_argument("--keep", action="store_true",
                        help="keep the pool and reuse a kept one (see above)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    pool_arguments(parser, observations=10_000_000, schema="intelpool_bench")
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sqlite-file", type=Path,
                        help="with --keep: the embedded pool's file")
    parser.add_argument("--build-only", action="store_true",
                        help="with --keep: build the pool and stop")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.keep and args.store == "sqlite" and args.sqlite_file:
            url = f"sqlite:///{args.sqlite_file}"
        elif args.keep and args.store == "postgresql":
            url = f"{args.postgresql_url}?options=-csearch_path%3D{args.schema}"
            if not _built(url):
                url = store_url(args.store, tmp, args.postgresql_url, args.schema)
        else:
            url = store_url(args.store, tmp, args.postgresql_url, args.schema)
        if args.build_only:
            if not _built(url):
                build_pool(url, args.observations, args.orgs, args.seed)
            return
        result = run(url, args.observations, args.orgs, args.seed, Path(tmp), args.keep)
    print_result(result, args.json)


if __name__ == "__main__":
    main()
