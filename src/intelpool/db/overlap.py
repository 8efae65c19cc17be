"""A transaction's bulk writes run beside the code that prepares the next batch (PostgreSQL).

The server stores a batch while this process parses and prepares the next one, so on two
cores the two overlap instead of taking turns. Writes run one at a time, in the order they
were handed in, on the transaction's one connection; whoever uses the connection itself
waits for the write in flight first (``wait``). SQLite runs its statements inside this
process, and its connections belong to the thread that opened them: there a write runs at
once.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any

from sqlalchemy import Connection

from intelpool.db import bulk


class Writes:
    """At most one write in flight on ``conn``; a context that waits for it on the way out."""

    def __init__(self, conn: Connection) -> None:
        self._executor = None if bulk.is_sqlite(conn) else ThreadPoolExecutor(
            1, thread_name_prefix="intelpool-write")
        self._pending: Future[None] | None = None

    def submit(self, write: Callable[..., None], *args: Any) -> None:
        """Run ``write(*args)`` once the write before it is done; its failure is raised by
        the next ``wait``."""
        self.wait()
        if self._executor is None:
            write(*args)
        else:
            self._pending = self._executor.submit(write, *args)

    def wait(self) -> None:
        """Until the write in flight is done; raises its failure."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def __enter__(self) -> Writes:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        # The connection must be idle before the caller commits or rolls back. After a
        # failure here the write's own failure, if any, would only hide the first one.
        try:
            if kind is None:
                self.wait()
            else:
                pending, self._pending = self._pending, None
                if pending is not None:
                    pending.exception()
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
