"""Reading hits: the full context where the partner's data is visible, else hit/no-hit only.

A side that may not see the other side's contribution learns that a partner (named, unless
the originator chose anonymity) holds data on its selector, with theme and date — never the
partner's selector or content. An organisation outside the hit learns nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from intelpool.access import Permission, Principal, require
from intelpool.access.visibility import visible_contribution
from intelpool.audit import service as audit
from intelpool.db.tables import (
    contribution_themes,
    contributions,
    hits,
    observables,
    observations,
    organisations,
    widespread,
)
from intelpool.errors import NotFound
from intelpool.pool.views import ANONYMOUS_ORIGINATOR


@dataclass(frozen=True, slots=True)
class HitView:
    id: int
    kind: str  # exact, cidr, url-host, email-domain, subdomain
    selector: str  # "type value" of the principal's own side
    contribution_id: int  # the principal's contribution holding it
    partner: str  # name, or "a partner" when the originator chose anonymity
    partner_visible: bool  # may the principal see the partner's contribution?
    partner_selector: str | None  # only when visible
    partner_contributions: list[int]  # only when visible
    partner_themes: list[str]
    partner_received: datetime | None
    first_at: datetime
    last_at: datetime


@dataclass(frozen=True, slots=True)
class WidespreadView:
    selector: str
    organisations: int
    last_at: datetime


@dataclass(frozen=True, slots=True)
class HitsReport:
    hits: list[HitView] = field(default_factory=list)
    widespread: list[WidespreadView] = field(default_factory=list)


def list_hits(conn: Connection, principal: Principal, *, since: datetime | None = None,
              limit: int = 500) -> HitsReport:
    require(principal, Permission.POOL_READ)
    me = principal.organisation_id
    if me is None:
        return HitsReport()
    query = select(hits).where(or_(hits.c.org_a_id == me, hits.c.org_b_id == me))
    if since is not None:
        query = query.where(hits.c.last_at >= since)
    rows = conn.execute(query.order_by(hits.c.last_at.desc(), hits.c.id.desc()).limit(limit)
                        ).mappings().all()
    views = [_view(conn, principal, r) for r in rows]
    report = HitsReport(views, _widespread(conn, principal, since))
    audit.record(conn, principal, "hits.list", subject_type="hits",
                 detail={"hits": [v.id for v in views]})
    return report


def get_hit(conn: Connection, principal: Principal, hit_id: int) -> tuple[HitView, Any]:
    """One hit the principal's organisation is party to (else as if it did not exist)."""
    row = conn.execute(select(hits).where(
        hits.c.id == hit_id, or_(hits.c.org_a_id == principal.organisation_id,
                                 hits.c.org_b_id == principal.organisation_id))
    ).mappings().first()
    if row is None:
        raise NotFound(f"no hit {hit_id}")
    return _view(conn, principal, row), row


def _selector(conn: Connection, observable_id: int) -> str:
    kind, value = conn.execute(select(observables.c.type, observables.c.value)
                               .where(observables.c.id == observable_id)).one()
    return f"{kind} {value}"


def _view(conn: Connection, principal: Principal, row: Any) -> HitView:
    mine_is_a = row["org_a_id"] == principal.organisation_id
    side, other = ("a", "b") if mine_is_a else ("b", "a")
    partner_org, partner_obs = row[f"org_{other}_id"], row[f"observable_{other}_id"]
    holding = (
        select(contributions.c.id, contributions.c.anonymous, contributions.c.received_at,
               visible_contribution(principal).label("visible"))
        .join(observations, observations.c.contribution_id == contributions.c.id)
        .where(contributions.c.originator_id == partner_org,
               observations.c.observable_id == partner_obs)
        .order_by(contributions.c.id)
    )
    held = conn.execute(holding).mappings().all()
    visible = [h["id"] for h in held if h["visible"]]
    named = any(not h["anonymous"] for h in held) or bool(visible)
    partner = ANONYMOUS_ORIGINATOR
    if named:
        partner = conn.execute(select(organisations.c.name)
                               .where(organisations.c.id == partner_org)).scalar_one()
    themes = sorted(set(conn.execute(
        select(contribution_themes.c.theme).where(
            contribution_themes.c.contribution_id.in_([h["id"] for h in held]))).scalars()))
    return HitView(
        id=row["id"], kind=row["kind"], selector=_selector(conn, row[f"observable_{side}_id"]),
        contribution_id=row[f"contribution_{side}_id"], partner=partner,
        partner_visible=bool(visible),
        partner_selector=_selector(conn, partner_obs) if visible else None,
        partner_contributions=visible, partner_themes=themes,
        partner_received=max((h["received_at"] for h in held), default=None),
        first_at=row["first_at"], last_at=row["last_at"],
    )


def _widespread(conn: Connection, principal: Principal,
                since: datetime | None) -> list[WidespreadView]:
    """Widespread selectors the principal's organisation holds, each reported once."""
    mine = (select(observations.c.observable_id)
            .join(contributions, contributions.c.id == observations.c.contribution_id)
            .where(contributions.c.originator_id == principal.organisation_id))
    query = (select(widespread, observables.c.type, observables.c.value)
             .join(observables, observables.c.id == widespread.c.observable_id)
             .where(widespread.c.observable_id.in_(mine)))
    if since is not None:
        query = query.where(widespread.c.last_at >= since)
    return [WidespreadView(f"{r['type']} {r['value']}", r["organisations"], r["last_at"])
            for r in conn.execute(query.order_by(widespread.c.last_at.desc())).mappings()]


def partner_holdings(conn: Connection, principal: Principal,
                     observable_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """For deconfliction: other organisations' contributions holding these observables."""
    query = (
        select(observations.c.observable_id, contributions.c.id, contributions.c.originator_id,
               contributions.c.anonymous, contributions.c.received_at,
               organisations.c.name, visible_contribution(principal).label("visible"))
        .join(contributions, contributions.c.id == observations.c.contribution_id)
        .join(organisations, organisations.c.id == contributions.c.originator_id)
        .where(and_(observations.c.observable_id.in_(observable_ids),
                    contributions.c.originator_id != principal.organisation_id))
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in conn.execute(query).mappings():
        found[r["observable_id"]].append(dict(r))
    return found
