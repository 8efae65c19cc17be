"""Tables of the services around the pool: web sessions, TAXII, feeds, analysis cache,
background jobs."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    text,
)

from intelpool.db.metadata import metadata
from intelpool.db.types import Id, UTCDateTime

# Signed-in browser sessions of the web interface; the cookie holds the secret, this its hash.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Id, primary_key=True),
    Column("session_hash", String(64), nullable=False, unique=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("scopes", String(64)),  # a session opened with a token keeps the token's scopes
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
)

# TAXII: each organisation's defaults for objects added to its submit collection, and the
# status of every envelope added.
organisation_settings = Table(
    "organisation_settings",
    metadata,
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    Column("taxii_tlp", String(16), nullable=False),
    Column("taxii_audience", Text, nullable=False),  # JSON list: pool, org:NAME, group:NAME
)

taxii_statuses = Table(
    "taxii_statuses",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("request_timestamp", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("contribution_id", ForeignKey("contributions.id", ondelete="SET NULL")),
    Column("total_count", Integer, nullable=False),
    Column("success_count", Integer, nullable=False),
    Column("failure_count", Integer, nullable=False),
    Column("pending_count", Integer, nullable=False),
    Column("successes", Text, nullable=False),  # JSON list of {id, version}
    Column("failures", Text, nullable=False),  # JSON list of {id, version, message}
    # The background job that imports the envelope; the status is pending until it ends.
    Column("job_id", ForeignKey("jobs.id", ondelete="SET NULL"), index=True),
)

# The STIX ids the pool serves, one row per object a contribution puts out (see
# ``pool/stix_ids.py``): TAXII finds an object by id through ``stix_key`` instead of building
# every object of a collection; ``renamed`` marks a later copy of an object version an earlier
# contribution holds, which every channel gives an id of its own.
stix_ids = Table(
    "stix_ids",
    metadata,
    Column("stix_key", BigInteger, nullable=False),  # 64 bits of a digest of the STIX id
    Column("contribution_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           nullable=False),
    Column("row_kind", String(1), nullable=False),  # o observation, e entity, r, x (extra)
    Column("row_id", Id, nullable=False),
    Column("part", Integer, nullable=False),  # which object upgrading the row gave
    Column("version", String(40)),  # its ``modified``, when it has one
    Column("renamed", Boolean, nullable=False),
    Index("ix_stix_ids_key", "stix_key", "contribution_id"),
    Index("ix_stix_ids_renamed", "contribution_id", sqlite_where=text("renamed"),
          postgresql_where=text("renamed")),
)

# Remote sources the pool pulls from (TAXII collections, MISP feeds), and where each stands.
feed_sources = Table(
    "feed_sources",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # taxii or misp
    Column("url", Text, nullable=False),
    Column("collection", String(200)),
    Column("user_id", ForeignKey("users.id"), nullable=False),  # the user it submits as
    Column("username", String(320)),
    Column("secret", Text),  # password or token for the remote source
    Column("bearer", Boolean, nullable=False),
    Column("tlp", String(16), nullable=False),
    Column("audience", Text, nullable=False),  # JSON list
    Column("themes", Text, nullable=False),  # JSON list
    Column("cursor", String(64)),  # TAXII X-TAXII-Date-Added-Last / MISP newest timestamp
    Column("last_pull_at", UTCDateTime),
    Column("last_count", Integer),
    Column("total_count", Integer, nullable=False),
    Column("last_error", Text),
    Column("last_error_at", UTCDateTime),
)

# One organisation's analysis (link graph, networks, targets), kept until the data it may see
# changes: ``fingerprint`` summarises that data, computed in SQL on every read. The small
# parts come first, so reading them never touches the graph.
analysis_cache = Table(
    "analysis_cache",
    metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("fingerprint", String(128), nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),
    Column("summary", LargeBinary, nullable=False),  # zlib JSON: hubs cut, warninglisted, ...
    Column("entities", LargeBinary, nullable=False),  # zlib JSON: resolved entity clusters
    Column("graph", LargeBinary, nullable=False),  # npz: the link graph the explorer walks
)

# The same analysis's networks, one row each in the order they are listed (largest first),
# so a page of them is read, and only that page decompressed.
analysis_networks = Table(
    "analysis_networks",
    metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("network_id", String(32), nullable=False),
    Column("size", Integer, nullable=False),
    Column("themes", String(500), nullable=False),  # "|botnet|intrusion|": filtered in SQL
    Column("body", LargeBinary, nullable=False),  # zlib JSON: the network
    Column("targets", LargeBinary, nullable=False),  # zlib JSON: its ranked targets
)
Index("ix_analysis_networks_id", analysis_networks.c.organisation_id,
      analysis_networks.c.network_id)

# Background jobs (large submissions): the job record, its file until it is done, and the
# rejections it reported. Visible to the submitter's organisation only.
jobs = Table(
    "jobs",
    metadata,
    Column("id", Id, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("state", String(16), nullable=False),
    Column("request", Text, nullable=False),  # JSON: what was asked (handling, format, ...)
    Column("file_name", String(255), nullable=False),
    Column("file_size", BigInteger, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("attempts", Integer, nullable=False),
    Column("records_done", BigInteger, nullable=False),
    Column("bytes_done", BigInteger, nullable=False),
    Column("summary", Text),  # JSON, once done
    Column("error", Text),
    Column("contribution_id", ForeignKey("contributions.id", ondelete="SET NULL")),
    CheckConstraint("state IN ('queued','running','done','failed')", name="state"),
)

job_files = Table(
    "job_files",
    metadata,
    Column("job_id", ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("data", LargeBinary, nullable=False),
)

job_rejections = Table(
    "job_rejections",
    metadata,
    Column("job_id", ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("location", Text, nullable=False),
    Column("value", Text, nullable=False),
    Column("reason", Text, nullable=False),
)
