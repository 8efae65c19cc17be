"""Settings from the environment (INTELPOOL_*), defaulting to an embedded SQLite pool.

What every command needs at start-up (the pool's URL, the embedded pool's cache size) is
read here from the environment directly; the full ``Settings`` (pydantic-settings, which
takes longer to import than most commands take to run) loads when first asked for.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intelpool.errors import InvalidInput

if TYPE_CHECKING:
    from intelpool.settings import Settings

__all__ = ["DEFAULT_DATABASE_URL", "DEFAULT_SQLITE_CACHE_MIB", "Settings", "audit_reads_durable",
           "environment", "normalise_database_url", "resolve_database_url", "sqlite_cache_mib"]

DEFAULT_DATABASE_URL = "sqlite:///intelpool.db"
DEFAULT_SQLITE_CACHE_MIB = 64


def __getattr__(name: str) -> Any:
    if name == "Settings":
        from intelpool.settings import Settings

        return Settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def environment(name: str) -> str | None:
    """``INTELPOOL_<NAME>`` from the environment, its name matched without regard to case
    (as ``Settings`` matches it), or None."""
    key = f"INTELPOOL_{name}".upper()
    value = os.environ.get(key)
    if value is None:
        value = next((v for k, v in os.environ.items() if k.upper() == key), None)
    return value


def sqlite_cache_mib() -> int:
    """INTELPOOL_SQLITE_CACHE_MIB: the embedded pool's page cache in MiB (each of two)."""
    text = environment("SQLITE_CACHE_MIB")
    if text is None or not text.strip():
        return DEFAULT_SQLITE_CACHE_MIB
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(f"INTELPOOL_SQLITE_CACHE_MIB={text!r} is not a whole number of "
                           "MiB") from None


def audit_reads_durable() -> bool:
    """INTELPOOL_AUDIT_READS_DURABLE: whether a read's audit record waits for PostgreSQL's
    WAL flush (``audit.record(read=True)``, read when an engine is made)."""
    text = (environment("AUDIT_READS_DURABLE") or "").strip().lower()
    return text in ("1", "true", "yes", "on")


def resolve_database_url(explicit: str | None) -> str:
    """--db, else INTELPOOL_DATABASE_URL, else ./intelpool.db."""
    if explicit:
        return normalise_database_url(explicit)
    return normalise_database_url(environment("DATABASE_URL") or DEFAULT_DATABASE_URL)


def normalise_database_url(url: str) -> str:
    """Accept plain paths and postgres:// URLs as users type them."""
    if "://" not in url:
        return f"sqlite:///{Path(url)}"
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
