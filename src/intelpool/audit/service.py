"""Recording audit events and showing an organisation its own trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    BigInteger,
    Connection,
    ScalarSelect,
    Select,
    case,
    cast,
    func,
    insert,
    or_,
    select,
)

from intelpool.access import Permission, Principal, require
from intelpool.access.visibility import visible_contribution
from intelpool.db.engine import DURABLE_READS
from intelpool.db.sorting import Listed, Slice, SortKeys, count, ordered, sliced
from intelpool.db.tables import access_requests, audit_events, contributions
from intelpool.db.types import utcnow


@dataclass(frozen=True, slots=True)
class AuditEvent:
    id: int
    at: datetime
    actor: str
    action: str
    subject_type: str | None
    subject_id: str | None
    detail: dict[str, Any]
    tlp: str | None = None  # of the contribution the event concerns, where the viewer sees it


# One statement for every event, its values bound per call: every content read records one.
_RECORD = insert(audit_events)
# The same, setting the transaction's commit mode as it inserts (set_config(..., true) is
# SET LOCAL): no extra round trip on a search.
_RECORD_READ = _RECORD.returning(func.set_config("synchronous_commit", "off", True))


def record(
    conn: Connection,
    principal: Principal,
    action: str,
    *,
    subject_type: str | None = None,
    subject_id: object = None,
    subject_organisation_id: int | None = None,
    detail: dict[str, Any] | None = None,
    read: bool = False,
) -> None:
    """Record an event in the caller's transaction.

    ``read``: the event records a read (a search, a page of content shown) and the
    transaction writes nothing else. On PostgreSQL its commit then does not wait for the
    write-ahead log to reach the disk, unless INTELPOOL_AUDIT_READS_DURABLE was set when the
    engine was made: the
    flush was most of a search's latency. A crash of the database server (not of intelpool)
    may lose the last fraction of a second of read events, never a contribution, a hit or
    any other write: the guarantee the embedded pool gives every commit (WAL with
    synchronous=NORMAL)."""
    fast = (read and conn.dialect.name == "postgresql"
            and not conn.get_execution_options().get(DURABLE_READS, False))
    conn.execute(
        _RECORD_READ if fast else _RECORD,
        {
            "at": utcnow(),
            "actor_user_id": principal.user_id,
            "actor_email": principal.email,
            "actor_organisation_id": principal.organisation_id,
            "subject_organisation_id": subject_organisation_id,
            "action": action,
            "subject_type": subject_type,
            "subject_id": None if subject_id is None else str(subject_id),
            "detail": orjson.dumps(detail or {}).decode(),
        },
    )


# What the trail may be sorted by; a leading '-' sorts descending.
TRAIL_SORTS = ("at", "actor", "action", "id")


def trail(conn: Connection, principal: Principal, *, limit: int | None = 200,
          before: int | None = None) -> list[AuditEvent]:
    """The newest events by or about the principal's own organisation (ids below
    ``before``)."""
    return trail_page(conn, principal, part=Slice(limit=limit), before=before).items


def trail_page(conn: Connection, principal: Principal, *, action: str | None = None,
               part: Slice = Slice(), before: int | None = None) -> Listed[AuditEvent]:
    """Events by or about the principal's own organisation (whose action starts with
    ``action``), sorted and sliced in SQL (newest first by default; ids below ``before`` for
    keyset paging), and how many match."""
    require(principal, Permission.ORG_AUDIT_READ)
    query = _own_events(principal)
    if action:
        query = query.where(audit_events.c.action.startswith(action, autoescape=True))
    total = count(conn, query)
    if before is not None:
        query = query.where(audit_events.c.id < before)
    keys: SortKeys = {"at": [audit_events.c.at], "actor": [audit_events.c.actor_email],
                      "action": [audit_events.c.action], "id": []}
    query = query.add_columns(_concerned_tlp(principal).label("tlp"))
    rows = conn.execute(sliced(ordered(query, part.sort or "-id", keys, audit_events.c.id,
                                       "the audit trail"), part)).mappings()
    return Listed([AuditEvent(r["id"], r["at"], r["actor_email"], r["action"],
                              r["subject_type"], r["subject_id"],
                              orjson.loads(r["detail"] or "{}"), r["tlp"]) for r in rows],
                  total)


def trail_actions(conn: Connection, principal: Principal) -> list[str]:
    """The actions the principal's organisation's trail holds, for choosing one."""
    require(principal, Permission.ORG_AUDIT_READ)
    query = _own_events(principal).with_only_columns(audit_events.c.action).distinct()
    return list(conn.execute(query.order_by(audit_events.c.action)).scalars())


def _own_events(principal: Principal) -> Select[Any]:
    org = principal.organisation_id
    return select(audit_events).where(or_(audit_events.c.actor_organisation_id == org,
                                          audit_events.c.subject_organisation_id == org))


def _concerned_tlp(principal: Principal) -> ScalarSelect[Any]:
    """The TLP of the contribution an event concerns (itself, or the one an access request
    asks for), only where the principal may see that contribution."""
    subject = case((audit_events.c.subject_type.in_(("contribution", "access-request")),
                    cast(audit_events.c.subject_id, BigInteger)))
    requested = (select(access_requests.c.contribution_id)
                 .where(access_requests.c.id == subject)
                 .correlate(audit_events).scalar_subquery())  # two levels down
    concerned = case((audit_events.c.subject_type == "contribution", subject),
                     else_=requested)
    return (select(contributions.c.tlp)
            .where(contributions.c.id == concerned, visible_contribution(principal))
            .correlate(audit_events).scalar_subquery())
