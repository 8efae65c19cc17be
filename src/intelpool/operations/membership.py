"""Who may do what in an operation: one lookup that reads like "no such operation" to anyone
who is not a member, so an operation's existence never leaks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, RowMapping, and_, select

from intelpool.access import Permission, Principal, require
from intelpool.audit import service as audit
from intelpool.db.tables import operation_members, operations, organisations
from intelpool.errors import Forbidden, InvalidInput, NotFound
from intelpool.operations.models import MemberRole, Status

READ, WRITE, LEAD = "read", "write", "lead"


def load(conn: Connection, principal: Principal, operation_id: int, need: str = READ,
         *, states: tuple[str, ...] = ("joined",)) -> RowMapping:
    """The operation row with the principal's role and state, or NotFound.

    ``need``: read (any joined member, pool:read), write (lead or participant, operation not
    closed), lead (the lead organisation, operations:manage).
    """
    require(principal, Permission.POOL_READ)
    row = conn.execute(
        select(operations, operation_members.c.role.label("my_role"),
               operation_members.c.state.label("my_state"),
               organisations.c.name.label("lead_name"),
               organisations.c.kind.label("lead_kind"))
        .join(operation_members, and_(
            operation_members.c.operation_id == operations.c.id,
            operation_members.c.organisation_id == principal.organisation_id))
        .join(organisations, organisations.c.id == operations.c.lead_org_id)
        .where(operations.c.id == operation_id, operation_members.c.state.in_(states))
    ).mappings().first()
    if row is None:
        raise NotFound(f"no operation {operation_id}")
    if need == LEAD:
        require(principal, Permission.OPERATIONS_MANAGE)
        if row["my_role"] != MemberRole.LEAD:
            raise Forbidden(f"only the lead organisation ({row['lead_name']}) may do this in "
                            f"operation {operation_id}")
    if need in (WRITE, LEAD) and row["status"] == Status.CLOSED:
        raise InvalidInput(f"operation {operation_id} is closed: it is read-only")
    if need == WRITE and row["my_role"] == MemberRole.OBSERVER:
        raise Forbidden(f"{principal.organisation_name} observes operation {operation_id}: "
                        "observers read only")
    return row


def joined_org_ids(conn: Connection, operation_id: int) -> list[int]:
    return list(conn.execute(select(operation_members.c.organisation_id).where(
        operation_members.c.operation_id == operation_id,
        operation_members.c.state == "joined")).scalars())


def countries(conn: Connection, operation_id: int) -> set[str]:
    """The countries of the lead and every joined member: where action days may happen."""
    return {c for c in conn.execute(
        select(organisations.c.country)
        .join(operation_members, operation_members.c.organisation_id == organisations.c.id)
        .where(operation_members.c.operation_id == operation_id,
               operation_members.c.state == "joined")).scalars() if c}


def org_name(conn: Connection, org_id: int) -> str:
    return str(conn.execute(select(organisations.c.name).where(
        organisations.c.id == org_id)).scalar_one())


def org_by_name(conn: Connection, name: str) -> Any:
    row = conn.execute(select(organisations).where(organisations.c.name == name)
                       ).mappings().first()
    if row is None:
        raise NotFound(f"no organisation named {name!r}")
    return row


def record(conn: Connection, principal: Principal, operation_id: int, action: str,
           detail: dict[str, object]) -> None:
    """Audit a change with the operation as subject: the timeline is read from these."""
    audit.record(conn, principal, action, subject_type="operation", subject_id=operation_id,
                 subject_organisation_id=principal.organisation_id, detail=detail)
