"""Counts for the navigation: hits new to a user and access requests waiting for its
organisation's decision, each one small SQL count on the same conditions as the lists
(``hits.list_hits``, ``access_requests.list_requests``)."""

from __future__ import annotations

from sqlalchemy import Connection, func, or_, select

from intelpool.access import Permission, Principal, require
from intelpool.db.tables import access_requests, hits
from intelpool.partners import seen


def count_new_hits(conn: Connection, principal: Principal) -> int:
    """Hits of the principal's organisation found or seen again since the user last looked."""
    require(principal, Permission.POOL_READ)
    me = principal.organisation_id
    if me is None:
        return 0
    since = seen.hits_seen_at(principal)
    return int(conn.execute(select(func.count()).select_from(hits).where(
        or_(hits.c.org_a_id == me, hits.c.org_b_id == me),
        or_(since.is_(None), hits.c.last_at > since))).scalar_one())


def count_to_decide(conn: Connection, principal: Principal) -> int:
    """Pending access requests to the principal's organisation, for those who decide them."""
    if Permission.ACCESS_DECIDE not in principal.permissions:
        return 0
    return int(conn.execute(select(func.count()).select_from(access_requests).where(
        access_requests.c.holder_org_id == principal.organisation_id,
        access_requests.c.status == "pending")).scalar_one())
