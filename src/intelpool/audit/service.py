"""Recording audit events and showing an organisation its own trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, insert, or_, select

from intelpool.access import Permission, Principal, require
from intelpool.db.tables import audit_events
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


# One statement for every event, its values bound per call: every content read records one.
_RECORD = insert(audit_events)


def record(
    conn: Connection,
    principal: Principal,
    action: str,
    *,
    subject_type: str | None = None,
    subject_id: object = None,
    subject_organisation_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        _RECORD,
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


def trail(conn: Connection, principal: Principal, *, limit: int = 200,
          before: int | None = None) -> list[AuditEvent]:
    """Events by or about the principal's own organisation, newest first (ids below
    ``before``)."""
    require(principal, Permission.ORG_AUDIT_READ)
    org = principal.organisation_id
    query = select(audit_events).where(
        or_(audit_events.c.actor_organisation_id == org,
            audit_events.c.subject_organisation_id == org))
    if before is not None:
        query = query.where(audit_events.c.id < before)
    rows = conn.execute(
        query
        .order_by(audit_events.c.id.desc())
        .limit(limit)
    ).mappings()
    return [
        AuditEvent(
            r["id"], r["at"], r["actor_email"], r["action"], r["subject_type"],
            r["subject_id"], orjson.loads(r["detail"] or "{}"),
        )
        for r in rows
    ]
