"""Settings from the environment (INTELPOOL_*), defaulting to an embedded SQLite pool."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///intelpool.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTELPOOL_", env_file=None, extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    # Directory of extra MISP-format warninglists, on top of the built-in ones.
    warninglist_dir: Path | None = None
    # A selector held by more organisations than this is "widespread": reported once, not per pair.
    widespread_threshold: int = 10
    # Statistics over fewer rows than this are suppressed so small counts reveal nothing.
    min_statistic_count: int = 3
    # How many records the ingest service stages per database round trip.
    ingest_batch_size: int = 20_000
    # Page cache of the embedded pool in MiB, twice over (the pool's and its scratch tables'):
    # with the program itself, the bound on an import's memory whatever the file's size.
    sqlite_cache_mib: int = 64
    # Partnership statistics (access/disclosure.py): a published cell needs this many distinct
    # organisations and items, no organisation above the dominance share, counts rounded.
    disclosure_min_organisations: int = 3
    disclosure_min_count: int = 10
    disclosure_dominance_percent: int = 85
    disclosure_rounding: int = 5


def resolve_database_url(explicit: str | None) -> str:
    """--db, else INTELPOOL_DATABASE_URL, else ./intelpool.db."""
    if explicit:
        return normalise_database_url(explicit)
    return normalise_database_url(Settings().database_url)


def normalise_database_url(url: str) -> str:
    """Accept plain paths and postgres:// URLs as users type them."""
    if "://" not in url:
        return f"sqlite:///{Path(url)}"
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
