"""Where one PostgreSQL submit of the URL feed spends its time, phase by phase (issue 16).

Submits the feed of ``benchmarks.ingest`` into a fresh pool (a schema of
``--postgresql-url``'s database) in one transaction, which it then rolls back, and prints
per phase the wall time, this process's CPU (parsing and the writer thread alike) and the
CPU of the server backend serving the connection (read from ``/proc``: the server must run
on this machine). With ``--explain`` every statement over ``--min-ms`` gets its
``EXPLAIN (ANALYZE, BUFFERS, WAL)`` through ``auto_explain`` (loaded for the session, which
takes a superuser), written to ``--plans``; with ``--indexes`` the indexes of the tables the
ingest writes are listed with their size and the scans the submit made of each.

    .venv/bin/python -m benchmarks.ingest_trace --postgresql-url URL [--lines N]
        [--explain --plans FILE [--min-ms MS]] [--indexes]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import drop_store, store_url
from benchmarks.ingest import url_feed

SCHEMA = "intelpool_bench_ingest_trace"
# Wrapped as (module, attribute, phase name), in the order a submit calls them.
# Before the first of them: the records parsed and the batches stored, overlapped.
PHASES = (("intelpool.pool.written", "fill", "read back (tmp_written)"),
          ("intelpool.pool.summary", "record_written", "statistics summary"),
          ("intelpool.pool.stix_index", "record", "STIX id index"),
          ("intelpool.matching.engine", "match_submission", "matching"),
          ("intelpool.pool.summary", "mark_shared", "shared selectors"))
INDEXES = """
SELECT coalesce(p.relname, t.relname),
       regexp_replace(i.relname, '_p[0-9]+_', '_pNN_'),
       sum(pg_relation_size(i.oid)) / 1024, sum(pg_stat_get_xact_numscans(i.oid))
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace LEFT JOIN pg_inherits h ON h.inhrelid = t.oid
LEFT JOIN pg_class p ON p.oid = h.inhparent
WHERE n.nspname = %(schema)s AND i.relkind = 'i'
  AND coalesce(p.relname, t.relname) IN ('observables', 'observations', 'stix_ids')
GROUP BY 1, 2 ORDER BY 1, 2
"""


class Clock:
    """Wall, own CPU and the backend's CPU since the last mark, per phase."""

    def __init__(self, backend_pid: int) -> None:
        self.stat = Path(f"/proc/{backend_pid}/stat")
        self.phases: list[tuple[str, float, float, float]] = []
        self.last = self.now()

    def now(self) -> tuple[float, float, float]:
        fields = self.stat.read_text().rsplit(")", 1)[1].split()
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return time.perf_counter(), time.process_time(), backend

    def mark(self, name: str) -> None:
        now = self.now()
        wall, own, backend = (a - b for a, b in zip(now, self.last, strict=True))
        self.phases.append((name, wall, own, backend))
        self.last = now


def wrap(clock: list[Clock], module: str, attribute: str, name: str) -> None:
    """Time calls of ``module.attribute``; what ran since the phase before is "other"."""
    import importlib

    owner: Any = importlib.import_module(module)
    *path, last = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    inner: Callable[..., Any] = getattr(owner, last)

    def timed(*args: Any, **kwargs: Any) -> Any:
        clock[0].mark("other")
        result = inner(*args, **kwargs)
        clock[0].mark(name)
        return result

    setattr(owner, last, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgresql-url", required=True)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--plans", type=Path, default=Path("plans.txt"))
    parser.add_argument("--min-ms", type=int, default=30)
    parser.add_argument("--indexes", action="store_true")
    args = parser.parse_args()

    from intelpool.access import Principal
    from intelpool.access.handling import HandlingRequest
    from intelpool.db.engine import make_engine
    from intelpool.db.migrate import upgrade
    from intelpool.partners import service
    from intelpool.partners.identity import principal_for_email
    from intelpool.pool import ingest

    tmp = Path(tempfile.mkdtemp())
    feed = tmp / "feed.txt"
    url_feed(feed, args.lines)
    engine = make_engine(store_url("postgresql", str(tmp), args.postgresql_url, SCHEMA))
    upgrade(engine)
    with engine.begin() as conn:
        service.add_organisation(conn, Principal.operator(), "Bench Partner", "cert", "DE")
        service.add_user(conn, Principal.operator(), "bench@partner.example", "Bench Partner",
                         "contributor")
    clock: list[Clock] = []
    for module, attribute, name in PHASES:
        wrap(clock, module, attribute, name)
    notices: list[str] = []
    with engine.connect() as conn:
        transaction = conn.begin()
        conn.connection.driver_connection.add_notice_handler(  # type: ignore[union-attr]
            lambda notice: notices.append(notice.message_primary or ""))
        if args.explain:
            for setting in ("LOAD 'auto_explain'", "SET auto_explain.log_level = notice",
                            f"SET auto_explain.log_min_duration = {int(args.min_ms)}",
                            "SET auto_explain.log_analyze = on",
                            "SET auto_explain.log_buffers = on",
                            "SET auto_explain.log_wal = on",
                            "SET auto_explain.log_nested_statements = on"):
                conn.exec_driver_sql(setting)
        clock.append(Clock(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()))
        first = clock[0].last
        who = principal_for_email(conn, "bench@partner.example")
        summary = ingest.submit(conn, who, ingest.Submission(
            path=feed, format="feed:openphish",
            handling=HandlingRequest(tlp="amber", codes=["H1"])))
        clock[0].mark("other")
        total = [a - b for a, b in zip(clock[0].last, first, strict=True)]
        indexes = conn.exec_driver_sql(INDEXES, {"schema": SCHEMA}).all() \
            if args.indexes else []
        transaction.rollback()
    drop_store("postgresql", args.postgresql_url, SCHEMA)
    print(f"{summary.accepted} selectors stored, rolled back")
    print(f"{'phase':31} {'wall s':>7} {'client CPU s':>13} {'server CPU s':>13}")
    first_phase, *phases = clock[0].phases
    for name, wall, own, backend in [("records parsed, batches stored", *first_phase[1:]),
                                     *phases, ("whole submit", *total)]:
        if wall >= 0.005 or name != "other":
            print(f"{name:31} {wall:7.2f} {own:13.2f} {backend:13.2f}")
    for table, index, kib, scans in indexes:
        print(f"index {table}.{index}: {int(kib)} KiB, {int(scans)} scans")
    if args.explain:
        args.plans.write_text("\n\n".join(notices))
        print(f"{len(notices)} plans and notices in {args.plans}")


if __name__ == "__main__":
    main()
