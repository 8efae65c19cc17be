"""Counts kept at ingest, in the transaction that stores a contribution's observations, so
statistics, trends and reports sum a few rows per contribution instead of reading every
observation. ``pool/summary.py`` keeps them; nothing else writes them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
)

from intelpool.db.metadata import metadata
from intelpool.db.types import Id

# Observations per contribution, day (UTC, of the first sighting, else of arrival) and type;
# ``reported`` tells a day of a reported sighting from a day of arrival.
observation_counts = Table(
    "observation_counts",
    metadata,
    Column("contribution_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("day", Date, primary_key=True),
    Column("type", String(32), primary_key=True),
    Column("reported", Boolean, primary_key=True),
    Column("observations", Integer, nullable=False),
)

# The observations of every selector held by more than one contribution. A selector held
# once counts once wherever its one observation is counted, so distinct selectors are
# observations minus these rows plus the distinct selectors among these rows.
shared_observations = Table(
    "shared_observations",
    metadata,
    Column("observable_id", Id, primary_key=True),
    Column("contribution_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           primary_key=True, index=True),
    Column("day", Date, nullable=False),
    Column("type", String(32), nullable=False),
)

# The shared rows of a selector by month and holder, with their day: SQLite groups a
# selector's holders per month (analysis/shared_selectors.py) as it walks this index, where
# it sorted every visible shared row before. Only there: PostgreSQL reads its primary key by
# selector and sorts only each selector's few rows by month.
Index("ix_shared_observations_selector_month", shared_observations.c.observable_id,
      func.substr(shared_observations.c.day, 1, 7), shared_observations.c.contribution_id,
      shared_observations.c.day).ddl_if(dialect="sqlite")

# Observations per contribution, day and trend subject (a hosting network, a top-level
# domain of C2 or phishing, a phishing brand, a cash-out channel).
subject_counts = Table(
    "subject_counts",
    metadata,
    Column("contribution_id", ForeignKey("contributions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("day", Date, primary_key=True),
    Column("category", String(16), primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("observations", Integer, nullable=False),
)

Index("ix_subject_counts_category_day", subject_counts.c.category, subject_counts.c.day)

# Hits per pair of contributions, UTC day the hit was first found and the types of its two
# selectors. Like hits, no foreign keys: derived rows that ``pool/hit_summary.py`` recounts
# from the hits of the organisation pairs matching changed.
hit_counts = Table(
    "hit_counts",
    metadata,
    Column("org_a_id", Id, primary_key=True),
    Column("org_b_id", Id, primary_key=True, index=True),
    Column("contribution_a_id", Id, primary_key=True),
    Column("contribution_b_id", Id, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("type_a", String(32), primary_key=True),
    Column("type_b", String(32), primary_key=True),
    Column("hits", Integer, nullable=False),
)
