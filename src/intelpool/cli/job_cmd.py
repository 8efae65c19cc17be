"""Background jobs: follow your organisation's jobs, and run them (intelpool worker)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from intelpool.cli import common
from intelpool.cli.common import (
    AsOption,
    DbOption,
    JsonOption,
    acting_as,
    open_engine,
    print_json,
    transaction,
)

job_app = typer.Typer(help="Background jobs (submit --background): progress, summary, "
                           "rejections.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(job_app, name="job")
    app.command("worker")(worker)


@job_app.command("show")
def show(
    job_id: Annotated[int, typer.Argument(help="Job id.")],
    as_: AsOption,
    rejections: Annotated[Path | None, typer.Option(
        help="Write every rejected record with its location and reason (CSV).")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """One job of your organisation: its state, progress, and when done its summary."""
    from intelpool.jobs import service

    with transaction(db) as conn:
        principal = acting_as(conn, as_)
        job = service.show(conn, principal, job_id)
        if rejections is not None:
            full = service.show(conn, principal, job_id, rejection_limit=None)
            with rejections.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(["location", "value", "reason"])
                writer.writerows([r.location, r.value, r.reason] for r in full.rejections)
    if json:
        print_json(job)
        return
    done = f"{job.records_done:,} records, {job.bytes_done:,} of {job.file_size:,} bytes"
    common.console.print(f"job {job.id} ({job.kind} {job.file_name} by {job.submitted_by}): "
                  f"{job.state}; {done}; attempts {job.attempts}", highlight=False)
    if job.summary and "feeds" in job.summary:  # a feed pull: each source's result
        for feed in job.summary["feeds"]:
            common.console.print(f"feed {feed['name']}: " + (
                f"{feed['fetched']:,} fetched, {feed['accepted']:,} accepted, "
                f"{feed['rejected']:,} rejected" if feed["ok"] else f"failed: {feed['error']}"),
                highlight=False)
    elif job.summary:
        s = job.summary
        common.console.print(f"contribution {s['contribution_id']} ({s['format']}): "
                      f"{s['accepted']:,} accepted, {s['duplicates']:,} duplicates, "
                      f"{s['rejected']:,} rejected; {s['new_hits']:,} new hits, "
                      f"{s['refreshed_hits']:,} refreshed"
                      + (" (already submitted: nothing stored again)"
                         if s["already_submitted"] else ""), highlight=False)
    for r in job.rejections:
        common.console.print(f"  rejected {r.location}: {r.value!r}: {r.reason}", highlight=False)
    if job.rejected > len(job.rejections):
        common.console.print(f"  ... {job.rejected - len(job.rejections):,} more: use --rejections "
                      "FILE to see each one", style="dim")
    if job.error:
        common.console.print(f"error: {job.error}", style="red", highlight=False)
    if job.state == "failed":
        raise typer.Exit(1)


@job_app.command("list")
def list_(
    as_: AsOption,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Your organisation's jobs, newest first."""
    from rich.table import Table

    from intelpool.jobs import service

    with transaction(db) as conn:
        items = service.list_jobs(conn, acting_as(conn, as_), limit)
    if json:
        print_json(items)
        return
    table = Table("id", "state", "file", "by", "created (UTC)", "records", "attempts")
    for j in items:
        table.add_row(str(j.id), j.state, j.file_name, j.submitted_by,
                      j.created_at.strftime("%Y-%m-%d %H:%M:%S"), f"{j.records_done:,}",
                      str(j.attempts))
    common.console.print(table)


def worker(
    concurrency: Annotated[int, typer.Option(help="Jobs run at once by this worker.")] = 1,
    once: Annotated[bool, typer.Option(help="Stop when no job is waiting.")] = False,
    heartbeat: Annotated[float, typer.Option(help="Seconds between heartbeats (PostgreSQL).")]
    = 10.0,
    stalled: Annotated[float, typer.Option(
        help="Seconds without a heartbeat after which another worker's jobs are retried "
             "(PostgreSQL).")] = 30.0,
    db: DbOption = None,
) -> None:
    """Run background jobs; start several, on one or many machines (PostgreSQL)."""
    import logging

    from intelpool.jobs import service

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    engine = open_engine(db)
    common.console.print(f"worker on {engine.url.render_as_string(hide_password=True)}",
                  highlight=False)
    try:
        service.run_worker(engine, concurrency=concurrency, once=once,
                           heartbeat_seconds=heartbeat, stalled_seconds=stalled)
    finally:
        engine.dispose()
