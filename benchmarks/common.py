"""Shared benchmark plumbing: synthetic inputs, child-process timing with peak memory."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def selector_lines(count: int, seed: int = 7) -> list[str]:
    """A realistic mix of selector types, some defanged, some repeated."""
    rnd = random.Random(seed)
    words = ["cdn", "login", "secure", "update", "mail", "pay", "portal", "acct", "verify"]
    tlds = ["com", "net", "org", "info", "ru", "top", "xyz", "io"]
    lines = []
    for i in range(count):
        kind = i % 6
        if kind == 0:
            lines.append(f"{rnd.randint(1, 223)}.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}."
                         f"{rnd.randint(1, 254)}")
        elif kind == 1:
            lines.append(f"{rnd.choice(words)}-{i}.{rnd.choice(words)}{rnd.randint(1, 99)}"
                         f".{rnd.choice(tlds)}")
        elif kind == 2:
            lines.append(f"hxxp://{rnd.choice(words)}{i}[.]{rnd.choice(tlds)}/"
                         f"{rnd.choice(words)}/{rnd.getrandbits(32):x}.php")
        elif kind == 3:
            lines.append(f"{rnd.getrandbits(256):064x}")
        elif kind == 4:
            lines.append(f"{rnd.getrandbits(128):032x}")
        else:
            lines.append(f"{rnd.choice(words)}{i}@{rnd.choice(words)}.{rnd.choice(tlds)}")
    return lines


# A child process that creates a fresh pool with one partner and times one submit:
# argv = database (an embedded pool's path, or a store URL), file, format name, organisation
# kind.
SUBMIT_CHILD = """
import json, sys, time
from pathlib import Path
from intelpool.access import Principal
from intelpool.access.handling import HandlingRequest
from intelpool.db.engine import make_engine
from intelpool.db.migrate import upgrade
from intelpool.partners import service
from intelpool.partners.identity import principal_for_email
from intelpool.pool import ingest

db, path, fmt, kind = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
engine = make_engine(db if "://" in db else f"sqlite:///{db}")
upgrade(engine)
with engine.begin() as conn:
    service.add_organisation(conn, Principal.operator(), "Bench Partner", kind, "DE")
    service.add_user(conn, Principal.operator(), "bench@partner.example", "Bench Partner",
                     "contributor")
started = time.perf_counter()
with engine.begin() as conn:
    who = principal_for_email(conn, "bench@partner.example")
    summary = ingest.submit(conn, who, ingest.Submission(
        path=path, format=fmt, handling=HandlingRequest(tlp="amber", codes=["H1"])))
print(json.dumps({"seconds": time.perf_counter() - started, "accepted": summary.accepted,
                  "duplicates": summary.duplicates, "rejected": summary.rejected}))
"""


def run_child(code: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter (with ``env`` added to the environment); returns its
    JSON result plus its own peak RSS."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    # wait4 reports this child's own resource use (RUSAGE_CHILDREN would be the maximum
    # over every child so far).
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{err}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mib"] = usage.ru_maxrss / 1024
    # CPU seconds next to wall seconds show how many cores the child kept busy.
    result["cpu_s"] = usage.ru_utime + usage.ru_stime
    result["wall_s"] = wall
    return result


def timed_rounds(sides: dict[str, tuple[str, Path | None, tuple[str, ...]]],
                 rounds: int) -> dict[str, dict[str, Any]]:
    """Each side (child code, database or None, arguments) run ``rounds`` times, the sides
    taking turns so that a slow spell of a shared machine falls on all of them; per side, the
    run of median time, with every run's seconds under ``"runs"``. A side's database is made
    afresh for each run."""
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, (code, db, args) in sides.items():
            if db is not None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
            results[name].append(run_child(code, *([str(db)] if db else []), *args))
    chosen = {}
    for name, runs in results.items():
        runs.sort(key=lambda run: run["seconds"])
        chosen[name] = {**runs[len(runs) // 2], "runs": [round(r["seconds"], 1) for r in runs]}
    return chosen


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def store_url(store: str, tmp: str, postgresql_url: str, schema: str) -> str:
    """A fresh pool's URL: a SQLite file in ``tmp``, or a new PostgreSQL schema."""
    if store == "sqlite":
        return f"sqlite:///{tmp}/pool.db"
    from intelpool.db.engine import make_engine

    admin = make_engine(postgresql_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    admin.dispose()
    return f"{postgresql_url}?options=-csearch_path%3D{schema}"


def drop_store(store: str, postgresql_url: str, schema: str) -> None:
    """Remove a pool ``store_url`` made in PostgreSQL (a SQLite pool goes with its folder)."""
    if store == "sqlite":
        return
    from intelpool.db.engine import make_engine

    admin = make_engine(postgresql_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    admin.dispose()


def print_result(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, indent=2))
        return
    for key, val in result.items():
        print(f"{key:28} {val}")
