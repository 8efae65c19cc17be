"""Keeping each organisation's analysis warm, so networks, targets and reports start at once.

An organisation's analysis (``cache.py``) is recomputed by the first read after the data it
may see changed: at ten million observations that read waits minutes. ``refresh`` does the
recomputation ahead of the reader, organisation by organisation, each as one of its own
analysts sees it (the visibility predicate is the organisation's, so nothing crosses
organisations). By default only organisations that already use the analysis (they hold a
cached one) are refreshed; ``every`` organisation with an analyst on request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select

from intelpool.access import Permission, Principal
from intelpool.analysis import cache
from intelpool.db.tables import analysis_cache, organisations, users
from intelpool.errors import NotFound
from intelpool.partners.identity import principal_for_email


@dataclass(frozen=True, slots=True)
class Refreshed:
    organisation: str
    state: str  # "fresh" (nothing changed), "refreshed", or "no analyst"
    seconds: float


def analyst_of(conn: Connection, organisation_id: int) -> Principal | None:
    """An active user of the organisation allowed to run the analysis (lowest id first)."""
    emails = conn.execute(select(users.c.email)
                          .where(users.c.organisation_id == organisation_id,
                                 users.c.active.is_(True))
                          .order_by(users.c.id)).scalars()
    for email in emails:
        principal = principal_for_email(conn, email)
        if Permission.ANALYSIS_RUN in principal.permissions:
            return principal
    return None


def candidates(conn: Connection, *, every: bool, name: str | None) -> list[tuple[int, str]]:
    """(id, name) of the organisations to refresh, in id order."""
    query = select(organisations.c.id, organisations.c.name).order_by(organisations.c.id)
    if name is not None:
        query = query.where(organisations.c.name == name)
    elif not every:
        query = query.where(organisations.c.id.in_(select(analysis_cache.c.organisation_id)))
    found = [(int(i), str(n)) for i, n in conn.execute(query)]
    if name is not None and not found:
        raise NotFound(f"no organisation named {name!r}")
    return found


def is_fresh(conn: Connection, principal: Principal) -> bool:
    """Whether the stored analysis still matches the data the organisation may see."""
    stored = conn.execute(select(analysis_cache.c.fingerprint).where(
        analysis_cache.c.organisation_id == principal.organisation_id)).scalar()
    return stored == cache.fingerprint(conn, principal)


def refresh(engine: Engine, *, every: bool = False, name: str | None = None,
            done: Callable[[Refreshed], None] | None = None) -> list[Refreshed]:
    """Recompute the stale analyses, each organisation in its own transaction."""
    with engine.connect() as conn:
        orgs = candidates(conn, every=every, name=name)
    out: list[Refreshed] = []
    for org_id, org_name in orgs:
        began = time.perf_counter()
        with engine.begin() as conn:
            principal = analyst_of(conn, org_id)
            if principal is None:
                state = "no analyst"
            elif is_fresh(conn, principal):
                state = "fresh"
            else:
                cache.summary(conn, principal)  # recomputes and stores it
                state = "refreshed"
        out.append(Refreshed(org_name, state, round(time.perf_counter() - began, 2)))
        if done is not None:
            done(out[-1])
    return out
