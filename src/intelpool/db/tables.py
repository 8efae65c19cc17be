"""Table definitions (SQLAlchemy Core). Migrations in db/migrations create exactly these.

The pool's own tables live here; casework and service tables in their own modules,
re-exported below so every table is importable from here.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from intelpool.db.metadata import metadata

# Casework and service tables register with the same metadata; re-exported from here.
from intelpool.db.tables_casework import (
    action_day_targets,
    action_days,
    deconfliction_alerts,
    operation_contributions,
    operation_members,
    operation_notes,
    operation_targets,
    operation_tasks,
    operations,
    rfi_answers,
    rfi_items,
    rfi_notes,
    rfi_recipients,
    rfi_selectors,
    rfis,
    takedown_holds,
)
from intelpool.db.tables_services import (
    analysis_cache,
    analysis_networks,
    feed_sources,
    job_files,
    job_rejections,
    jobs,
    organisation_settings,
    stix_ids,
    taxii_statuses,
    web_sessions,
)
from intelpool.db.tables_summary import (
    hit_counts,
    observation_counts,
    shared_observations,
    subject_counts,
)
from intelpool.db.types import Id, UTCDateTime

# Byte-order comparison on PostgreSQL too, so reversed-name prefix ranges use the index.
ByteOrderText = Text().with_variant(Text(collation="C"), "postgresql")


organisations = Table(
    "organisations",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("country", String(2)),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(
        "kind IN ('host','law-enforcement','private','cert','other')", name="kind"
    ),
    # Set by the organisation's admin: its contributions never feed partnership statistics.
    Column("statistics_withheld", Boolean, nullable=False, default=False,
           server_default=text("false")),
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("role", String(16), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    # What the user has looked at, so the navigation counts only what is new to them.
    Column("hits_seen_at", UTCDateTime),
    Column("notifications_seen_id", BigInteger),
    CheckConstraint("role IN ('admin','analyst','contributor','reader')", name="role"),
    Column("password_hash", String(200)),  # argon2id; none until a password is set
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Id, primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("scopes", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
)

sharing_groups = Table(
    "sharing_groups",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
)

sharing_group_members = Table(
    "sharing_group_members",
    metadata,
    Column("group_id", ForeignKey("sharing_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True, index=True),
)

contributions = Table(
    "contributions",
    metadata,
    Column("id", Id, primary_key=True),
    # A file whose own markings are stricter than the submitter's flags is stored as a main
    # contribution plus parts, one per distinct handling; parts point at the main one.
    Column("parent_id", ForeignKey("contributions.id"), index=True),
    Column("originator_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("submitter_id", ForeignKey("users.id"), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("title", String(500)),
    # JSON list: the file's own labels the pool does not act on (MISP event tags that are
    # neither handling, evaluation, themes nor galaxy clusters), kept so exports carry them.
    Column("tags", Text),
    Column("source_name", String(500)),
    Column("format", String(64), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("handling_fingerprint", Text, nullable=False),
    Column("tlp", String(16), nullable=False),
    Column("pap", String(8), nullable=False),
    Column("handling_codes", String(32), nullable=False, default=""),
    Column("h3_text", Text),
    Column("anonymous", Boolean, nullable=False, default=False),
    Column("audience_pool", Boolean, nullable=False, default=False),
    Column("eval_scheme", String(16)),
    Column("reliability", String(1)),
    Column("credibility", String(1)),
    Column("accepted", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    Index("ix_contributions_dedup", "originator_id", "content_hash"),
)

contribution_themes = Table(
    "contribution_themes",
    metadata,
    Column("contribution_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("theme", String(32), primary_key=True),
)

contribution_audience_orgs = Table(
    "contribution_audience_orgs",
    metadata,
    Column("contribution_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True, index=True),
)

contribution_audience_groups = Table(
    "contribution_audience_groups",
    metadata,
    Column("contribution_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("group_id", ForeignKey("sharing_groups.id"), primary_key=True, index=True),
)

observables = Table(
    "observables",
    metadata,
    Column("id", Id, primary_key=True),
    Column("type", String(32), nullable=False),
    Column("value", Text, nullable=False),
    # Derived keys that turn every matching rule into an index join (see matching/derive.py):
    # IP ranges as fixed-width hex (IPv4 mapped into IPv6), hosts of URLs and e-mail
    # addresses, and host names with their labels reversed (of a domain, or of the host of a
    # URL or e-mail address: one index serves the subdomain and the host rules).
    Column("ip_lo", String(32)),
    Column("ip_hi", String(32)),
    Column("host", Text),
    Column("rev_name", ByteOrderText),
    Column("warning", String(200)),  # the warninglist that marks it a likely false positive
    UniqueConstraint("type", "value", name="uq_observables_type_value"),
    # Partial: most selectors have no address range or no host name, and leaving them out
    # spares every stored URL or hash one index update.
    Index("ix_observables_type_ip_lo", "type", "ip_lo", sqlite_where=text("ip_lo IS NOT NULL"),
          postgresql_where=text("ip_lo IS NOT NULL")),
    Index("ix_observables_type_rev_name", "type", "rev_name",
          sqlite_where=text("rev_name IS NOT NULL"),
          postgresql_where=text("rev_name IS NOT NULL")),
    # Few selectors are warninglisted: counting them (the analysis cache's check) stays cheap.
    Index("ix_observables_warning", "warning", sqlite_where=text("warning IS NOT NULL"),
          postgresql_where=text("warning IS NOT NULL")),
)

observations = Table(
    "observations",
    metadata,
    Column("id", Id, primary_key=True),
    Column("contribution_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           nullable=False),
    Column("observable_id", ForeignKey("observables.id"), nullable=False, index=True),
    Column("first_seen", UTCDateTime),
    Column("last_seen", UTCDateTime),
    Column("role", String(64)),
    Column("tags", Text),  # JSON list
    Column("comment", Text),
    Column("to_ids", Boolean),
    Column("ref", String(200)),  # the record's id in its source (STIX id, MISP uuid)
    UniqueConstraint("contribution_id", "observable_id", name="uq_observations_contribution"),
)

entities = Table(
    "entities",
    metadata,
    Column("id", Id, primary_key=True),
    Column("contribution_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("name", String(500), nullable=False),
    Column("ref", String(200)),
    Column("description", Text),
    Column("aliases", Text),  # JSON list
    Column("body", Text),  # JSON: the source object, kept to export it again
    # The analysis finds the indicator object behind an observation by (contribution, ref).
    Index("ix_entities_contribution_ref", "contribution_id", "ref"),
    # Trends read the few named things of one kind (malware, threat actors) among the many
    # indicator objects.
    Index("ix_entities_kind", "kind", "contribution_id"),
)

relationships = Table(
    "relationships",
    metadata,
    Column("id", Id, primary_key=True),
    Column("contribution_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("type", String(64), nullable=False),
    Column("source_ref", String(200), nullable=False),
    Column("target_ref", String(200), nullable=False),
    # Resolved ends, when the reference names something in the pool: 'observable' or 'entity'.
    Column("source_kind", String(16)),
    Column("source_id", Id),
    Column("target_kind", String(16)),
    Column("target_id", Id),
    Column("ref", String(200)),
    Column("body", Text),  # JSON: the source object (relationship or sighting)
)

extra_objects = Table(
    "extra_objects",
    metadata,
    Column("id", Id, primary_key=True),
    Column("contribution_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("type", String(100), nullable=False),
    Column("ref", String(200)),
    Column("body", Text, nullable=False),  # JSON, verbatim: exported again as it came
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Id, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_user_id", Id),
    Column("actor_email", String(320), nullable=False),
    Column("actor_organisation_id", Id, index=True),
    Column("subject_organisation_id", Id, index=True),
    Column("action", String(64), nullable=False),
    Column("subject_type", String(32)),
    Column("subject_id", String(64)),
    Column("detail", Text),  # JSON
)

hits = Table(
    "hits",
    metadata,
    Column("id", Id, primary_key=True),
    # Side a holds observable_a, side b holds observable_b. Exact hits: the same observable and
    # org_a < org_b. Containment hits: a is the specific selector (IP, URL, e-mail,
    # subdomain), b the one containing it (CIDR, domain).
    # No foreign keys: hits are derived rows that only matching writes, from ids it has just
    # read under its lock (a rematch rebuilds them all); checking six keys per row, one by
    # one, was most of the time of recording them (migration 0017).
    Column("observable_a_id", Id, nullable=False),
    Column("observable_b_id", Id, nullable=False, index=True),
    Column("org_a_id", Id, nullable=False, index=True),
    Column("org_b_id", Id, nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("contribution_a_id", Id, nullable=False),
    Column("contribution_b_id", Id, nullable=False),
    Column("first_at", UTCDateTime, nullable=False),
    Column("last_at", UTCDateTime, nullable=False),
    UniqueConstraint("observable_a_id", "observable_b_id", "org_a_id", "org_b_id",
                     name="uq_hits_pair"),
    CheckConstraint("kind IN ('exact','cidr','url-host','email-domain','subdomain')",
                    name="kind"),
)

widespread = Table(
    "widespread",
    metadata,
    Column("observable_id", ForeignKey("observables.id"), primary_key=True),
    Column("organisations", Integer, nullable=False),
    Column("first_at", UTCDateTime, nullable=False),
    Column("last_at", UTCDateTime, nullable=False),
)

access_requests = Table(
    "access_requests",
    metadata,
    Column("id", Id, primary_key=True),
    # No foreign key: on PostgreSQL hits are partitioned by observable, and a partitioned
    # table's unique keys must hold that key (migration 0022). Where hits are deleted, the
    # requests naming them are cleared in the same statement's transaction (a rematch's
    # vanished hits, matching/rematch_apply.py; hits folded into a widespread selector).
    Column("hit_id", Id),
    Column("contribution_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           nullable=False),
    Column("requester_org_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("requester_user_id", ForeignKey("users.id"), nullable=False),
    Column("holder_org_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime),
    Column("decided_by_user_id", ForeignKey("users.id")),
    Column("note", Text),
    CheckConstraint("status IN ('pending','granted','denied')", name="status"),
)

contribution_grants = Table(
    "contribution_grants",
    metadata,
    Column("contribution_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True, index=True),
    # NULL when the release is an answer to a request for information asked through the host.
    Column("access_request_id", ForeignKey("access_requests.id")),
    # The originator's recorded consent: what allows releasing H2 data beyond its audience.
    Column("consent", Text, nullable=False),
    Column("granted_at", UTCDateTime, nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Id, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("subject_type", String(32)),
    Column("subject_id", String(64)),
)

# TAXII pages a contribution's observations in id order.
Index("ix_observations_contribution_row", observations.c.contribution_id, observations.c.id)

# What other modules define and this one re-exports, so every table imports from here.
__all__ = [
    "action_day_targets",
    "action_days",
    "analysis_cache",
    "analysis_networks",
    "deconfliction_alerts",
    "feed_sources",
    "hit_counts",
    "job_files",
    "job_rejections",
    "jobs",
    "metadata",
    "observation_counts",
    "operation_contributions",
    "operation_members",
    "operation_notes",
    "operation_targets",
    "operation_tasks",
    "operations",
    "organisation_settings",
    "rfi_answers",
    "rfi_items",
    "rfi_notes",
    "rfi_recipients",
    "rfi_selectors",
    "rfis",
    "shared_observations",
    "stix_ids",
    "subject_counts",
    "takedown_holds",
    "taxii_statuses",
    "web_sessions",
]
