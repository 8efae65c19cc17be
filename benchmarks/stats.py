"""Statistics, trends and reports at pool scale, on the scenario pool.

    .venv/bin/python -m benchmarks.stats build --scale 26 --db URL     # ~1M observations
    .venv/bin/python -m benchmarks.stats measure --db URL [--record 1m.json] [--baseline F]

``build`` generates the scenario (``intelpool scenario generate``) and loads it through the
normal import path. ``measure`` times, as the host centre's analyst, each the median of
``--rounds`` runs:
- ``stats --by theme,month`` in the visible scope (target < 2 s at 10M observations) and in
  the partnership scope (< 5 s),
- ``trends`` (< 10 s), and a quarterly PDF report (< 60 s): cold (the viewer's analysis of
  networks computed first, as after new data) and warm (the analysis read from the store,
  as analysis/cache.py keeps it per viewer until their visible data changes),
and the peer: the same theme x month count as one plain GROUP BY with no authorisation and
no disclosure control (what any store pays to count those rows at all). It prints each
ratio to the peer, rows per second and peak memory; ``--baseline`` (a file written by
``--record`` on a smaller pool) adds how each figure grew with the pool; ``--no-report``
times statistics and trends only.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, select

VIEWER = "analyst@taskforce.example"


def build(url: str, scale: float, directory: Path) -> None:
    from intelpool.cli.scenario_cmd import run_generate, run_load
    from intelpool.db.engine import make_engine
    from intelpool.db.migrate import upgrade
    from intelpool.scenario.generate import DEFAULT_SEED
    from intelpool.scenario.load import fallback_formats

    engine = make_engine(url)
    upgrade(engine)
    formats, companion = fallback_formats()
    started = time.perf_counter()
    made = run_generate(directory, scale=scale, seed=DEFAULT_SEED, formats=formats,
                        companion=companion, quiet=False)
    generated = time.perf_counter() - started
    loaded = run_load(engine, directory, quiet=False)
    print(f"built scale {scale}: {made.selectors:,} selectors generated in {generated:.0f} s, "
          f"{loaded.observations:,} observations loaded in "
          f"{time.perf_counter() - started - generated:.0f} s")
    engine.dispose()


def _peer(conn: Connection) -> int:
    """The floor: observations by theme and month, one GROUP BY, nobody's rules applied."""
    from intelpool.analysis.dimensions import time_bucket
    from intelpool.db.tables import contribution_themes, contributions, observations

    moment = func.coalesce(observations.c.first_seen, contributions.c.received_at)
    month = time_bucket("month", moment, conn.dialect.name)
    rows = conn.execute(
        select(contribution_themes.c.theme, month, func.count())
        .select_from(observations.join(contributions,
                                       contributions.c.id == observations.c.contribution_id)
                     .outerjoin(contribution_themes,
                                contribution_themes.c.contribution_id == contributions.c.id))
        .group_by(contribution_themes.c.theme, month)).all()
    return len(rows)


def _busiest_quarter(conn: Connection) -> str:
    from intelpool.db.tables import observations

    first = conn.execute(select(func.min(observations.c.first_seen))).scalar_one()
    middle = first + timedelta(days=200)  # well inside the scenario's 18 months
    return f"{middle.year}-Q{(middle.month - 1) // 3 + 1}"


def _forget_analysis(conn: Connection, organisation_id: int | None) -> None:
    """Drop the viewer's stored analysis (in the measuring transaction, rolled back after):
    the next report computes it, as the first one after new data does."""
    from intelpool.db.tables import analysis_cache, analysis_networks

    for table in (analysis_networks, analysis_cache):
        conn.execute(delete(table).where(table.c.organisation_id == organisation_id))


def _median(rounds: int, work: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(url: str, rounds: int, record: Path | None, baseline: Path | None,
            out_dir: Path, report: bool = True) -> None:
    from intelpool.analysis import cache
    from intelpool.analysis import figures as service
    from intelpool.analysis.report.render import to_html, to_pdf
    from intelpool.db.engine import make_engine
    from intelpool.db.tables import observations
    from intelpool.partners.identity import principal_for_email

    engine = make_engine(url)
    results: dict[str, Any] = {}
    with engine.connect() as conn:
        viewer = principal_for_email(conn, VIEWER)
        total = conn.execute(select(func.count()).select_from(observations)).scalar_one()
        quarter = _busiest_quarter(conn)
        results["observations"] = total
        results["peer"], _ = _median(rounds, lambda: _peer(conn))
        results["stats_visible"], _ = _median(rounds, lambda: service.statistics(
            conn, viewer, by=["theme,month"], since=None, until=None))
        results["stats_partnership"], _ = _median(rounds, lambda: service.statistics(
            conn, viewer, by=["theme,month"], since=None, until=None, scope="partnership"))
        results["trends"], _ = _median(rounds, lambda: service.trends(conn, viewer))

        def pdf(cold: bool) -> int:
            if cold:
                _forget_analysis(conn, viewer.organisation_id)
            cache.forget()  # warm: the analysis comes from the store, as in a new process
            started = time.perf_counter()
            made = service.report(conn, viewer, period=quarter)
            built = time.perf_counter()
            data, pages = to_pdf(to_html(made))
            parts.append((built - started, time.perf_counter() - built))
            (out_dir / f"report-{quarter}.pdf").write_bytes(data)
            return int(pages)

        parts: list[tuple[float, float]] = []
        pages = 0
        if report:
            pdf_rounds = max(1, rounds // 3)
            results["report_pdf_cold"], pages = _median(pdf_rounds, lambda: pdf(True))
            results["report_pdf"], pages = _median(pdf_rounds, lambda: pdf(False))
            results["report_parts"] = parts
        conn.rollback()
    engine.dispose()
    results["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    targets = {"stats_visible": 2, "stats_partnership": 5, "trends": 10, "report_pdf": 60,
               "report_pdf_cold": 60}
    old = json.loads(baseline.read_text()) if baseline else None
    print(f"{engine.dialect.name}, {total:,} observations, viewer {VIEWER}, median of "
          f"{rounds} rounds (PDF: {max(1, rounds // 3)}); machine shared, 2 cores")
    print(f"peer (plain GROUP BY theme, month; no authorisation): {results['peer']:.2f} s, "
          f"{total / results['peer']:,.0f} rows/s")
    for name, target in targets.items():
        if name not in results:
            continue
        seconds = results[name]
        line = (f"{name:18} {seconds:7.2f} s  (target < {target} s at 10M)  "
                f"{seconds / results['peer']:5.1f}x the peer  {total / seconds:,.0f} rows/s")
        if name.startswith("report_pdf"):
            build_s, render_s = parts[0 if name.endswith("cold") else -1]
            line += (f"  {quarter}, {pages} pages (report {build_s:.1f} s, HTML and PDF "
                     f"{render_s:.1f} s)")
        if old:
            grow = total / old["observations"]
            if name in old:
                line += f"  grew {seconds / old[name]:.1f}x for {grow:.1f}x the observations"
        print(line)
    print(f"peak memory {results['peak_rss_mib']:.0f} MiB")
    if record:
        record.write_text(json.dumps(results, indent=2))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="generate and load the scenario pool")
    b.add_argument("--db", required=True)
    b.add_argument("--scale", type=float, default=26.0)
    b.add_argument("--dir", type=Path, default=Path("bench-scenario"))
    m = sub.add_parser("measure", help="time stats, trends and a quarterly PDF")
    m.add_argument("--db", required=True)
    m.add_argument("--rounds", type=int, default=3)
    m.add_argument("--record", type=Path)
    m.add_argument("--baseline", type=Path)
    m.add_argument("--out", type=Path, default=Path("."))
    m.add_argument("--no-report", action="store_true", help="time statistics and trends only")
    args = parser.parse_args(argv)
    from intelpool.config import normalise_database_url

    url = normalise_database_url(args.db)
    if args.command == "build":
        build(url, args.scale, args.dir)
    else:
        measure(url, args.rounds, args.record, args.baseline, args.out, not args.no_report)


if __name__ == "__main__":
    sys.exit(main())
