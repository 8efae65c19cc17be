"""Table definitions (SQLAlchemy Core). Migrations in db/migrations create exactly these."""

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
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from intelpool.db.types import Id, UTCDateTime

# Byte-order comparison on PostgreSQL too, so reversed-name prefix ranges use the index.
ByteOrderText = Text().with_variant(Text(collation="C"), "postgresql")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

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
    Column("observable_a_id", ForeignKey("observables.id"), nullable=False),
    Column("observable_b_id", ForeignKey("observables.id"), nullable=False, index=True),
    Column("org_a_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("org_b_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("contribution_a_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           nullable=False),
    Column("contribution_b_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           nullable=False),
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
    Column("hit_id", ForeignKey("hits.id", ondelete="SET NULL")),
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

# Joint operations (cases): a lead organisation, members, linked targets, shared
# contributions, tasks, notes, action days. Members in state 'joined' (the lead included)
# see the operation's contributions: rule 4 of the visibility predicate.
operations = Table(
    "operations",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text),
    Column("themes", Text),  # JSON list
    Column("lead_org_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("contact_user_id", ForeignKey("users.id"), nullable=False),
    Column("confidential", Boolean, nullable=False, default=False),
    Column("status", String(16), nullable=False),
    Column("embargo_until", UTCDateTime),  # press embargo
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("status IN ('planned','active','action-day','closed')", name="status"),
)

operation_members = Table(
    "operation_members",
    metadata,
    Column("operation_id", ForeignKey("operations.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True, index=True),
    Column("role", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
    CheckConstraint("role IN ('lead','participant','observer')", name="role"),
    CheckConstraint("state IN ('invited','joined','declined','removed')", name="state"),
)

operation_contributions = Table(
    "operation_contributions",
    metadata,
    Column("operation_id", ForeignKey("operations.id", ondelete="CASCADE"), primary_key=True),
    Column("contribution_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           primary_key=True, index=True),
    Column("added_at", UTCDateTime, nullable=False),
)

# The deconfliction register of standing targets: pointers, never intelligence.
operation_targets = Table(
    "operation_targets",
    metadata,
    Column("id", Id, primary_key=True),
    Column("operation_id", ForeignKey("operations.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("observable_id", ForeignKey("observables.id"), index=True),
    Column("entity_name", String(500)),  # lower-cased entity name when not a selector
    Column("linked_by_user_id", ForeignKey("users.id"), nullable=False),
    Column("linked_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

operation_tasks = Table(
    "operation_tasks",
    metadata,
    Column("id", Id, primary_key=True),
    Column("operation_id", ForeignKey("operations.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("text", Text, nullable=False),
    Column("assignee_org_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("assignee_user_id", ForeignKey("users.id")),
    Column("due_at", UTCDateTime),
    Column("done_at", UTCDateTime),
    Column("reminded", String(16)),  # 'due' or 'overdue': the last reminder sent
    Column("created_by_user_id", ForeignKey("users.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# Notes and, during an action day, the live log; signed by user and organisation.
operation_notes = Table(
    "operation_notes",
    metadata,
    Column("id", Id, primary_key=True),
    Column("operation_id", ForeignKey("operations.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("kind", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("author_user_id", ForeignKey("users.id"), nullable=False),
    Column("author_org_id", ForeignKey("organisations.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    CheckConstraint("kind IN ('note','log')", name="kind"),
)

action_days = Table(
    "action_days",
    metadata,
    Column("id", Id, primary_key=True),
    Column("operation_id", ForeignKey("operations.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("country", String(2), nullable=False),
    Column("action", String(16), nullable=False),
    Column("note", Text),
    Column("decision", String(8)),  # the lead's go / no-go
    Column("decided_at", UTCDateTime),
    Column("created_by_user_id", ForeignKey("users.id"), nullable=False),
    CheckConstraint("action IN ('arrest','search','takedown','seizure','sinkhole','other')",
                    name="action"),
)

action_day_targets = Table(
    "action_day_targets",
    metadata,
    Column("action_day_id", ForeignKey("action_days.id", ondelete="CASCADE"),
           primary_key=True),
    Column("observable_id", ForeignKey("observables.id"), primary_key=True, index=True),
)

# Two operations of different leads touch the same target (or act on it within 7 days).
deconfliction_alerts = Table(
    "deconfliction_alerts",
    metadata,
    Column("id", Id, primary_key=True),
    Column("kind", String(16), nullable=False),  # target or action-day
    Column("match", String(16), nullable=False),  # exact, cidr, url-host, ..., entity
    Column("operation_a_id", ForeignKey("operations.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("operation_b_id", ForeignKey("operations.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("target_a", String(600), nullable=False),  # "type value" or "entity NAME"
    Column("target_b", String(600), nullable=False),
    Column("revealed_a", Boolean, nullable=False, default=False),
    Column("revealed_b", Boolean, nullable=False, default=False),
    Column("outcome_a", String(16)),
    Column("outcome_b", String(16)),
    Column("note_a", Text),
    Column("note_b", Text),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("kind", "operation_a_id", "operation_b_id", "target_a", "target_b",
                     name="uq_deconfliction_alerts_pair"),
)

rfis = Table(
    "rfis",
    metadata,
    Column("id", Id, primary_key=True),
    Column("requester_org_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("requester_user_id", ForeignKey("users.id"), nullable=False),
    Column("on_behalf", Boolean, nullable=False, default=False),  # asked by the host
    Column("question", Text, nullable=False),
    Column("operation_id", ForeignKey("operations.id")),
    Column("due_at", UTCDateTime),
    Column("tlp", String(16), nullable=False),
    Column("pap", String(8), nullable=False),
    Column("answer_tlp", String(16)),  # the strictest TLP the requester accepts
    Column("status", String(16), nullable=False),
    Column("takedown", Boolean, nullable=False, default=False),
    Column("meeting_at", UTCDateTime),  # a consultation's meeting
    Column("agenda", Text),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("status IN ('open','closed','cancelled','held')", name="status"),
)

rfi_recipients = Table(
    "rfi_recipients",
    metadata,
    Column("rfi_id", ForeignKey("rfis.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True, index=True),
    Column("state", String(16), nullable=False),
    Column("reason", Text),
    Column("changed_at", UTCDateTime, nullable=False),
)

rfi_items = Table(
    "rfi_items",
    metadata,
    Column("rfi_id", ForeignKey("rfis.id", ondelete="CASCADE"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("text", Text, nullable=False),
)

rfi_selectors = Table(
    "rfi_selectors",
    metadata,
    Column("rfi_id", ForeignKey("rfis.id", ondelete="CASCADE"), primary_key=True),
    Column("type", String(32), primary_key=True),
    Column("value", Text, primary_key=True),
)

rfi_answers = Table(
    "rfi_answers",
    metadata,
    Column("id", Id, primary_key=True),
    Column("rfi_id", ForeignKey("rfis.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("item", Integer),
    Column("text", Text, nullable=False),
    Column("contribution_id", ForeignKey("contributions.id", ondelete="SET NULL")),
    Column("delivered", Boolean, nullable=False),  # False: stricter than accepted, awaits consent
    Column("at", UTCDateTime, nullable=False),
)

# A consultation's minutes, shared with every invitee.
rfi_notes = Table(
    "rfi_notes",
    metadata,
    Column("id", Id, primary_key=True),
    Column("rfi_id", ForeignKey("rfis.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("author_user_id", ForeignKey("users.id"), nullable=False),
    Column("author_org_id", ForeignKey("organisations.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

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
)

# TAXII pages a contribution's observations in id order.
Index("ix_observations_contribution_row", observations.c.contribution_id, observations.c.id)

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
# changes: ``fingerprint`` summarises that data, computed in SQL on every read.
analysis_cache = Table(
    "analysis_cache",
    metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("fingerprint", String(128), nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),
    Column("payload", LargeBinary, nullable=False),  # zlib-compressed JSON
)

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
