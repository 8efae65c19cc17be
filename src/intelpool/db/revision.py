"""The schema revision a pool is at, and the newest one intelpool knows, without Alembic.

Every command checks that the pool is current before it runs; loading Alembic (and every
migration module) for that check cost a command more than the command itself. The newest
revision is read from the migration files' ``revision``/``down_revision`` lines instead;
a test holds it equal to what Alembic computes.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

_VERSIONS = Path(__file__).parent / "migrations" / "versions"
_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def current_revision(engine: Engine) -> str | None:
    """The revision recorded in the pool (heads joined by ","), or None for no pool."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            found = sorted(rows)
    except DBAPIError:
        return None  # no alembic_version table: not a pool (yet)
    return ",".join(found) or None


@cache
def head_revision() -> str | None:
    """The newest revision among the migration files (heads joined by ",")."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in _VERSIONS.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision = _REVISION.search(source)
        if revision is None:
            continue
        revisions.add(revision.group(1))
        down = _DOWN.search(source)
        if down is not None:
            parents.update(_QUOTED.findall(down.group(1)))
    return ",".join(sorted(revisions - parents)) or None
