"""Access requests: after a hit, a partner asks the originator to release matched data.

The originator decides. A grant makes that contribution visible to the requester and is the
recorded consent that allows releasing H2 data beyond its audience. Every step is audited and
notified to both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, case, insert, literal, or_, select, update

from intelpool.access import Permission, Principal, require
from intelpool.audit import notifications
from intelpool.audit import service as audit
from intelpool.db.sorting import Listed, Slice, SortKeys, count, ordered, sliced
from intelpool.db.tables import (
    access_requests,
    contribution_grants,
    contributions,
    organisations,
)
from intelpool.db.types import utcnow
from intelpool.errors import Conflict, InvalidInput, NotFound
from intelpool.matching.hits import get_hit
from intelpool.pool.views import ANONYMOUS_ORIGINATOR

# What the access requests list may be sorted by; a leading '-' sorts descending.
REQUEST_SORTS = ("id", "status", "created", "requester", "holder")


@dataclass(frozen=True, slots=True)
class AccessRequestView:
    id: int
    hit_id: int | None
    contribution_id: int
    requester: str
    holder: str
    reason: str
    status: str  # pending, granted, denied
    created_at: datetime
    decided_at: datetime | None
    note: str | None
    h2: bool  # the contribution carries H2: a grant is the consent to release it


def request_access(conn: Connection, principal: Principal, hit_id: int,
                   reason: str) -> AccessRequestView:
    require(principal, Permission.POOL_READ)
    if not reason.strip():
        raise InvalidInput("an access request needs its reason")
    view, row = get_hit(conn, principal, hit_id)
    if view.partner_visible:
        raise InvalidInput(f"you can already see the partner's data of hit {hit_id}")
    other = "b" if row["org_a_id"] == principal.organisation_id else "a"
    contribution_id, holder = row[f"contribution_{other}_id"], row[f"org_{other}_id"]
    pending = conn.execute(select(access_requests.c.id).where(
        access_requests.c.contribution_id == contribution_id,
        access_requests.c.requester_org_id == principal.organisation_id,
        access_requests.c.status == "pending")).scalar()
    if pending is not None:
        raise Conflict(f"access request {pending} for this data is already pending")
    request_id = conn.execute(insert(access_requests).values(
        hit_id=hit_id, contribution_id=contribution_id,
        requester_org_id=principal.organisation_id, requester_user_id=principal.user_id,
        holder_org_id=holder, reason=reason.strip(), status="pending", created_at=utcnow(),
    )).inserted_primary_key[0]  # type: ignore[index]
    audit.record(conn, principal, "access.request", subject_type="access-request",
                 subject_id=request_id, subject_organisation_id=holder,
                 detail={"hit": hit_id, "reason": reason.strip()})
    notifications.notify(conn, holder, "access-request",
                         f"{principal.organisation_name} asks for access to your data behind "
                         f"hit {hit_id} (request {request_id}): {reason.strip()}",
                         "access-request", request_id)
    notifications.notify(conn, principal.organisation_id or 0, "access-request",
                         f"access request {request_id} sent to the partner holding the data "
                         f"of hit {hit_id}", "access-request", request_id)
    return _load(conn, principal, request_id)


def list_requests(conn: Connection, principal: Principal, *, status: str | None = None,
                  limit: int | None = None, before: int | None = None
                  ) -> list[AccessRequestView]:
    """Requests to and from the principal's organisation, newest first (ids below
    ``before``)."""
    return request_page(conn, principal, status=status, part=Slice(limit=limit),
                        before=before).items


def request_page(conn: Connection, principal: Principal, *, status: str | None = None,
                 part: Slice = Slice(), before: int | None = None
                 ) -> Listed[AccessRequestView]:
    """Requests to and from the principal's organisation, sorted and sliced in SQL (newest
    first by default; ids below ``before`` for keyset paging), and how many match."""
    require(principal, Permission.POOL_READ)
    me = principal.organisation_id
    query, keys = _query(principal)
    query = query.where(or_(access_requests.c.holder_org_id == me,
                            access_requests.c.requester_org_id == me))
    if status:
        query = query.where(access_requests.c.status == status)
    total = count(conn, query)
    if before is not None:
        query = query.where(access_requests.c.id < before)
    rows = conn.execute(sliced(ordered(query, part.sort or "-id", keys, access_requests.c.id,
                                       "access requests"), part)).mappings()
    return Listed([_view(r) for r in rows], total)


def decide(conn: Connection, principal: Principal, request_id: int, *, grant: bool,
           note: str | None = None) -> AccessRequestView:
    require(principal, Permission.ACCESS_DECIDE)
    row = conn.execute(select(access_requests).where(
        access_requests.c.id == request_id,
        access_requests.c.holder_org_id == principal.organisation_id)).mappings().first()
    if row is None:
        raise NotFound(f"no access request {request_id} for your organisation to decide")
    if row["status"] != "pending":
        raise Conflict(f"access request {request_id} is already {row['status']}")
    now = utcnow()
    status = "granted" if grant else "denied"
    conn.execute(update(access_requests).where(access_requests.c.id == request_id).values(
        status=status, decided_at=now, decided_by_user_id=principal.user_id, note=note))
    if grant:
        requester = conn.execute(select(organisations.c.name).where(
            organisations.c.id == row["requester_org_id"])).scalar_one()
        consent = (f"released to {requester} by {principal.email} on "
                   f"{now:%Y-%m-%d %H:%M} UTC" + (f": {note}" if note else ""))
        conn.execute(insert(contribution_grants).values(
            contribution_id=row["contribution_id"], organisation_id=row["requester_org_id"],
            access_request_id=request_id, consent=consent, granted_at=now))
    audit.record(conn, principal, f"access.{status}", subject_type="access-request",
                 subject_id=request_id, subject_organisation_id=row["requester_org_id"],
                 detail={"contribution": row["contribution_id"], "note": note})
    for org in (row["requester_org_id"], row["holder_org_id"]):
        notifications.notify(conn, org, f"access-{status}",
                             f"access request {request_id} was {status}"
                             + (f": {note}" if note else ""), "access-request", request_id)
    return _load(conn, principal, request_id)


def _load(conn: Connection, principal: Principal, request_id: int) -> AccessRequestView:
    query, _ = _query(principal)
    return _view(conn.execute(query.where(access_requests.c.id == request_id)).mappings().one())


def _query(principal: Principal) -> tuple[Select[Any], SortKeys]:
    requester = organisations.alias("requester")
    holder = organisations.alias("holder")
    # The requester does not learn an anonymous holder's name by asking, nor by sorting.
    shown_holder = case((contributions.c.anonymous
                         & (access_requests.c.holder_org_id != principal.organisation_id),
                         literal(ANONYMOUS_ORIGINATOR)), else_=holder.c.name)
    query = (select(access_requests, requester.c.name.label("requester_name"),
                    shown_holder.label("holder_name"), contributions.c.handling_codes)
             .join(requester, requester.c.id == access_requests.c.requester_org_id)
             .join(holder, holder.c.id == access_requests.c.holder_org_id)
             .join(contributions, contributions.c.id == access_requests.c.contribution_id))
    keys: SortKeys = {"id": [], "status": [access_requests.c.status],
                      "created": [access_requests.c.created_at],
                      "requester": [requester.c.name], "holder": [shown_holder]}
    return query, keys


def _view(r: Any) -> AccessRequestView:
    return AccessRequestView(
        id=r["id"], hit_id=r["hit_id"], contribution_id=r["contribution_id"],
        requester=r["requester_name"], holder=r["holder_name"], reason=r["reason"],
        status=r["status"], created_at=r["created_at"], decided_at=r["decided_at"],
        note=r["note"], h2="H2" in r["handling_codes"].split(","))
