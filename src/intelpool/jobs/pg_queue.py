"""Jobs on PostgreSQL: procrastinate, a PostgreSQL-backed task queue, hands them to workers.

A job is deferred in the same transaction that stores it, so a job exists in the queue
exactly when its record and file do. Workers on any machine reaching the database take
jobs; a worker that stops sending heartbeats (killed, machine lost) has its jobs given to
another worker, and the runner makes sure a job is applied once.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import procrastinate
from procrastinate.schema import SchemaManager
from sqlalchemy import Connection, Engine, inspect

from intelpool.jobs import records, runner

QUEUE = "intelpool"
TASK = "intelpool.run_job"
log = logging.getLogger(__name__)


def conninfo(engine: Engine) -> str:
    """The libpq form of the pool's URL (search_path options included)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_schema(engine: Engine) -> None:
    """The queue's own tables and functions, created once by procrastinate's schema file."""
    if inspect(engine).has_table("procrastinate_jobs"):
        return
    with engine.begin() as conn:
        raw: Any = conn.connection.driver_connection
        raw.execute(SchemaManager.get_schema())


def make_app(engine: Engine) -> procrastinate.App:
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(engine)))

    @app.task(name=TASK, queue=QUEUE, pass_context=True,
              retry=procrastinate.RetryStrategy(max_attempts=runner.MAX_ATTEMPTS, wait=2))
    def run_job(context: procrastinate.JobContext, job_id: int) -> None:
        runner.run(engine, job_id, lambda j, n, b: write_progress(engine, j, n, b))

    return app


def defer(conn: Connection, job_id: int) -> None:
    """Queue a job inside ``conn``'s transaction (it appears when the caller commits)."""
    app = make_app(conn.engine)
    app.tasks[TASK].configure(lock=f"job-{job_id}", queueing_lock=f"job-{job_id}",
                              connection=conn.connection.driver_connection).defer(job_id=job_id)


def write_progress(engine: Engine, job_id: int, records_done: int, bytes_done: int) -> None:
    # Its own short transaction, so followers see progress while the submission is open.
    with engine.begin() as conn:
        records.progress(conn, job_id, records_done, bytes_done)


async def _retry_stalled(app: procrastinate.App, stalled_seconds: float,
                         every: float) -> None:
    """Give the jobs of workers that stopped sending heartbeats to live workers."""
    while True:
        for job in await app.job_manager.get_stalled_jobs(
                queue=QUEUE, seconds_since_heartbeat=stalled_seconds):
            log.warning("job %s: its worker stopped; retrying it", job.task_kwargs)
            await app.job_manager.retry_job(job)
        await app.job_manager.prune_stalled_workers(stalled_seconds)
        await asyncio.sleep(every)


def run_worker(engine: Engine, *, concurrency: int = 1, once: bool = False,
               heartbeat_seconds: float = 10.0, stalled_seconds: float = 30.0) -> None:
    """Take jobs until stopped (SIGINT/SIGTERM), or, with ``once``, until the queue is empty."""
    app = make_app(engine)

    async def main() -> None:
        async with app.open_async():
            reaper = asyncio.create_task(
                _retry_stalled(app, stalled_seconds, max(heartbeat_seconds, 0.2)))
            try:
                await app.run_worker_async(
                    queues=[QUEUE], concurrency=concurrency, wait=not once,
                    update_heartbeat_interval=heartbeat_seconds,
                    stalled_worker_timeout=stalled_seconds, delete_jobs="successful")
            finally:
                reaper.cancel()

    asyncio.run(main())
