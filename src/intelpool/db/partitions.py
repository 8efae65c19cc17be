"""The pool's hash-partitioned tables on PostgreSQL (migration 0022); SQLite keeps them plain.

``observations`` and ``hits`` are split by a hash of the observable id, the key a
distributed PostgreSQL distributes them by (docs/scaling.md): joins on it then run
partition by partition. The partitions are named after their table and remainder.
"""

from __future__ import annotations

PARTITIONS = 16

# Partitioned table -> its partition key.
PARTITIONED = {"observations": "observable_id", "hits": "observable_a_id"}


def partition_names(table: str) -> list[str]:
    return [f"{table}_p{i:02d}" for i in range(PARTITIONS)]


def parent_of(name: str) -> str:
    """The partitioned table that ``name`` is a partition of, else ``name`` itself."""
    return next((table for table in PARTITIONED if name in partition_names(table)), name)


def is_partition(name: str) -> bool:
    """Is ``name`` one of the partitions migration 0022 creates (not a table the code
    declares: its rows are those of its partitioned table)?"""
    return parent_of(name) != name


def storage_tables(table: str, dialect: str) -> list[str]:
    """The tables that hold ``table``'s rows on disk: its partitions on PostgreSQL (where
    storage settings such as autovacuum's apply), else itself."""
    return partition_names(table) if dialect == "postgresql" and table in PARTITIONED \
        else [table]
