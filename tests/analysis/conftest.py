"""Each test reads its own store: no analysis held in this process from an earlier test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from intelpool.analysis import cache


@pytest.fixture(autouse=True)
def _fresh_analysis() -> Iterator[None]:
    cache.forget()
    yield
    cache.forget()
