"""Builders for statistics tests (CSV contributions with selectors first seen in a month),
and a fresh analysis per test: no analysis held in this process from an earlier test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.analysis import cache
from intelpool.pool import ingest
from tests.factories import submit_file

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_analysis() -> Iterator[None]:
    cache.forget()
    yield
    cache.forget()


def submit_month(conn: Connection, principal: Principal, tmp_path: Path, *, month: str,
                 count: int, theme: str, tlp: str = "green", kind: str = "domain",
                 role: str = "", audience: list[str] | None = None,
                 values: list[str] | None = None, anonymous: bool = False,
                 ) -> ingest.IngestSummary:
    """``count`` fresh selectors first seen on the 15th of ``month`` (YYYY-MM)."""
    n = next(_serial)
    if values is None:
        values = [f"host{n}-{i}.stats{n}.example.org" if kind == "domain" else f"45.{n % 200}.7.{i}"
                  for i in range(count)]
    lines = ["type,value,first_seen,role"] + [
        f"{kind},{v},{month}-15T12:00:00Z,{role}" for v in values]
    path = tmp_path / f"month-{n}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return submit_file(conn, principal, path, tlp=tlp, fmt="csv", themes=[theme],
                       audience=audience, anonymous=anonymous)
