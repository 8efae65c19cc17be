"""Tables of joint operations, deconfliction and requests for information."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from intelpool.db.metadata import metadata
from intelpool.db.types import Id, UTCDateTime

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
    Column("held_for", Text),  # JSON list of lead organisation ids; NULL when not held
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

# A private partner's takedown request or note held until the lead of a police operation
# whose target it touches releases it: one row per (held item, lead's target touched).
takedown_holds = Table(
    "takedown_holds",
    metadata,
    Column("id", Id, primary_key=True),
    Column("subject_type", String(16), nullable=False),
    Column("subject_id", Id, nullable=False),
    Column("sender_org_id", ForeignKey("organisations.id"), nullable=False),
    Column("lead_org_id", ForeignKey("organisations.id"), nullable=False, index=True),
    Column("operation_id", ForeignKey("operations.id", ondelete="CASCADE")),
    Column("target", Text),  # the lead's own target, as "type value"
    Column("match", String(16)),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("subject_type IN ('rfi','operation_note')", name="subject_type"),
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
