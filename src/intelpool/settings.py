"""Every setting from the environment (INTELPOOL_*), validated (pydantic-settings).

Import it as ``intelpool.config.Settings``; ``intelpool.config`` reads the few settings
every command needs at start-up without loading pydantic.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from intelpool.config import DEFAULT_DATABASE_URL, DEFAULT_SQLITE_CACHE_MIB


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTELPOOL_", env_file=None, extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    # Directory of extra MISP-format warninglists, on top of the built-in ones.
    warninglist_dir: Path | None = None
    # A selector held by more organisations than this is "widespread": reported once, not per pair.
    widespread_threshold: int = 10
    # How many records the ingest service stages per database round trip.
    ingest_batch_size: int = 20_000
    # Page cache of the embedded pool in MiB, twice over (the pool's and its scratch tables'):
    # with the program itself, the bound on an import's memory whatever the file's size.
    sqlite_cache_mib: int = DEFAULT_SQLITE_CACHE_MIB
    # Months an operation's linked targets stay in the deconfliction register unless renewed.
    deconfliction_months: int = 24
    # HTTP API: the largest upload accepted (bytes; streamed to disk, never held in memory),
    # requests per minute per token (per server process), where uploads are spooled.
    api_max_upload_bytes: int = 1 << 30
    api_rate_limit_per_minute: int = 1200
    api_upload_dir: Path | None = None
    # Partnership statistics (access/disclosure.py): a published cell needs this many distinct
    # organisations and items, no organisation above the dominance share, counts rounded.
    disclosure_min_organisations: int = 3
    disclosure_min_count: int = 10
    disclosure_dominance_percent: int = 85
    disclosure_rounding: int = 5
    # Whether a read's audit record waits for PostgreSQL's WAL flush (``audit.record(read=True)``);
    # read when the engine is made (``db.engine.make_engine``).
    audit_reads_durable: bool = False
    # Key for feed passwords and tokens at rest (32 random bytes, URL-safe base64). Unset, an
    # embedded pool keeps one in a file beside it; a PostgreSQL pool then stores no secret.
    secret_key: SecretStr | None = None
