"""Reading hits: the full context where the partner's data is visible, else hit/no-hit only.

A side that may not see the other side's contribution learns that a partner (named, unless
the originator chose anonymity) holds data on its selector, with theme and date — never the
partner's selector or content. An organisation outside the hit learns nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Select,
    Subquery,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
)

from intelpool.access import Permission, Principal, require
from intelpool.access.visibility import visible_contribution
from intelpool.audit import service as audit
from intelpool.db.sorting import Listed, Slice, SortKeys, checked, count, ordered, sliced
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


class Held(NamedTuple):
    """A partner's contribution holding a hit's observable."""

    id: int
    anonymous: bool
    received_at: datetime
    visible: bool  # to the principal


@dataclass(frozen=True, slots=True)
class WidespreadView:
    selector: str
    organisations: int
    last_at: datetime


@dataclass(frozen=True, slots=True)
class HitsReport:
    hits: list[HitView] = field(default_factory=list)
    widespread: list[WidespreadView] = field(default_factory=list)
    total: int = 0  # hits in all, beyond this slice


_VIEW_CHUNK = 2000
# What the hits list may be sorted by (see ``_hit_query``); a leading '-' sorts descending.
HIT_SORTS = ("last", "first", "selector", "partner", "kind", "id")


@dataclass(frozen=True, slots=True)
class HitFilter:
    since: datetime | None = None  # recorded or refreshed since
    kind: str | None = None
    access: str | None = None  # "visible" or "hidden": may the viewer see the partner's data?
    text: str | None = None  # in the viewer's own selector, any case
    selectors: tuple[str, ...] = ()  # only these "type value" selectors of the viewer's side


def list_hits(conn: Connection, principal: Principal, *, since: datetime | None = None,
              limit: int | None = None, offset: int = 0, sort: str = "-last") -> HitsReport:
    """Hits of the principal's organisation and its widespread selectors."""
    found = hit_page(conn, principal, HitFilter(since=since), Slice(sort, limit, offset))
    spread = _widespread(conn, principal, since) if principal.organisation_id else []
    return HitsReport(found.items, spread, found.total)


def hit_page(conn: Connection, principal: Principal, flt: HitFilter = HitFilter(),
             part: Slice = Slice()) -> Listed[HitView]:
    """One sorted slice of the hits the principal's organisation is party to, and their
    total, both in SQL; an organisation in no hit gets an empty list."""
    require(principal, Permission.POOL_READ)
    if principal.organisation_id is None:
        return Listed([], 0)
    sort = checked(part.sort or "-last", HIT_SORTS, "hits")
    query, keys = _hit_query(principal, flt, sort)
    total = count(conn, query)
    rows = conn.execute(sliced(ordered(query, sort, keys, hits.c.id, "hits"),
                               part)).mappings().all()
    # In chunks, so a full export keeps each IN list short.
    views = [v for start in range(0, len(rows), _VIEW_CHUNK)
             for v in _views(conn, principal, list(rows[start:start + _VIEW_CHUNK]))]
    audit.record(conn, principal, "hits.list", subject_type="hits",
                 detail={"hits": [v.id for v in views]}, read=True)
    return Listed(views, total)


def _hit_query(principal: Principal, flt: HitFilter,
               sort: str) -> tuple[Select[Any], SortKeys]:
    me = principal.organisation_id
    mine_a = hits.c.org_a_id == me
    own = observables.alias("own")
    partner = organisations.alias("partner")
    other_obs = case((mine_a, hits.c.observable_b_id), else_=hits.c.observable_a_id)
    other_org = case((mine_a, hits.c.org_b_id), else_=hits.c.org_a_id)
    query = (select(hits)
             .join(own, own.c.id == case((mine_a, hits.c.observable_a_id),
                                         else_=hits.c.observable_b_id))
             .where(or_(mine_a, hits.c.org_b_id == me)))
    if flt.since is not None:
        query = query.where(hits.c.last_at >= flt.since)
    if flt.kind:
        query = query.where(hits.c.kind == flt.kind)
    if flt.text:
        query = query.where(func.lower(own.c.type + " " + own.c.value).contains(
            flt.text.lower(), autoescape=True))
    if flt.selectors:
        pairs = [s.split(" ", 1) for s in flt.selectors if " " in s]
        query = query.where(or_(false(), *(and_(own.c.type == t, own.c.value == v)
                                           for t, v in pairs)))
    keys: SortKeys = {"last": [hits.c.last_at], "first": [hits.c.first_at],
                      "selector": [own.c.type, own.c.value], "partner": [], "kind": [hits.c.kind],
                      "id": []}
    if flt.access not in ("visible", "hidden") and sort.removeprefix("-") != "partner":
        return query, keys
    held = _partner_holdings(principal)
    query = query.outerjoin(held, and_(held.c.observable_id == other_obs,
                                       held.c.originator_id == other_org))
    visible = func.coalesce(held.c.visible, 0) == 1
    if flt.access in ("visible", "hidden"):
        query = query.where(visible if flt.access == "visible" else ~visible)
    # The partner sorts by the name the viewer is shown ("a partner" when anonymous), never
    # by a hidden name.
    named = or_(visible, func.coalesce(held.c.anonymous, 1) == 0)
    keys = {**keys, "partner": [case(
        (named, select(partner.c.name).where(partner.c.id == other_org).scalar_subquery()),
        else_=literal(ANONYMOUS_ORIGINATOR))]}
    return query, keys


def _partner_holdings(principal: Principal) -> Subquery:
    """Per observable of the other side of the principal's hits and per organisation holding
    it: may the principal see any of those contributions (``visible``), and were all of them
    submitted anonymously (``anonymous``)? One grouped pass, joined to the hits, rather than
    a lookup per hit."""
    me = principal.organisation_id
    mine = hits.alias("mine")
    theirs = select(case((mine.c.org_a_id == me, mine.c.observable_b_id),
                         else_=mine.c.observable_a_id)).where(
        or_(mine.c.org_a_id == me, mine.c.org_b_id == me))
    seen = select(contributions.c.id).where(visible_contribution(principal))
    held = contributions.alias("held")
    held_obs = observations.alias("held_obs")
    return (select(held_obs.c.observable_id, held.c.originator_id,
                   func.max(case((held.c.id.in_(seen), 1), else_=0)).label("visible"),
                   func.min(case((held.c.anonymous, 1), else_=0)).label("anonymous"))
            .join(held, held.c.id == held_obs.c.contribution_id)
            .where(held_obs.c.observable_id.in_(theirs), held.c.originator_id != me)
            .group_by(held_obs.c.observable_id, held.c.originator_id).subquery("holdings"))


def widespread_selectors(conn: Connection, principal: Principal,
                         since: datetime | None = None) -> list[WidespreadView]:
    """Widespread selectors the principal's organisation holds, without its hits."""
    require(principal, Permission.POOL_READ)
    return _widespread(conn, principal, since) if principal.organisation_id else []


def get_hit(conn: Connection, principal: Principal, hit_id: int) -> tuple[HitView, Any]:
    """One hit the principal's organisation is party to (else as if it did not exist)."""
    row = conn.execute(select(hits).where(
        hits.c.id == hit_id, or_(hits.c.org_a_id == principal.organisation_id,
                                 hits.c.org_b_id == principal.organisation_id))
    ).mappings().first()
    if row is None:
        raise NotFound(f"no hit {hit_id}")
    return _views(conn, principal, [row])[0], row


def partner_label(name: str, anonymous: Iterable[bool], any_visible: bool) -> str:
    """A partner is named when the caller may see any of its contributions behind the match,
    or when any of them was not submitted anonymously; otherwise it is "a partner"."""
    return name if any_visible or not all(anonymous) else ANONYMOUS_ORIGINATOR


def _views(conn: Connection, principal: Principal, rows: list[Any]) -> list[HitView]:
    """Views of a page of hits, with a fixed number of queries whatever the page size."""
    if not rows:
        return []
    sides = [("a", "b") if r["org_a_id"] == principal.organisation_id else ("b", "a")
             for r in rows]
    wanted = {(r[f"org_{o}_id"], r[f"observable_{o}_id"])
              for r, (_, o) in zip(rows, sides, strict=True)}
    held: dict[tuple[int, int], list[Held]] = defaultdict(list)
    seen = select(contributions.c.id).where(visible_contribution(principal))
    for h in conn.execute(
        select(contributions.c.id, contributions.c.originator_id, contributions.c.anonymous,
               contributions.c.received_at, observations.c.observable_id,
               contributions.c.id.in_(seen).label("visible"))
        .join(observations, observations.c.contribution_id == contributions.c.id)
        .where(observations.c.observable_id.in_({obs for _, obs in wanted}))
        .order_by(contributions.c.id)
    ):
        key = (h.originator_id, h.observable_id)
        if key in wanted:
            held[key].append(Held(h.id, bool(h.anonymous), h.received_at, bool(h.visible)))
    contribution_ids = {h.id for hs in held.values() for h in hs}
    themes: dict[int, set[str]] = defaultdict(set)
    for cid, theme in conn.execute(select(
            contribution_themes.c.contribution_id, contribution_themes.c.theme).where(
            contribution_themes.c.contribution_id.in_(contribution_ids))):
        themes[cid].add(theme)
    observable_ids = {r[f"observable_{x}_id"] for r in rows for x in ("a", "b")}
    selectors = {i: f"{k} {v}" for i, k, v in conn.execute(
        select(observables.c.id, observables.c.type, observables.c.value)
        .where(observables.c.id.in_(observable_ids)))}
    names = dict(conn.execute(select(organisations.c.id, organisations.c.name).where(
        organisations.c.id.in_({org for org, _ in wanted}))).all())
    return [_view(r, side, other, held, themes, selectors, names)
            for r, (side, other) in zip(rows, sides, strict=True)]


def _view(row: Any, side: str, other: str, held_by: dict[tuple[int, int], list[Held]],
          themes: dict[int, set[str]], selectors: dict[int, str],
          names: dict[int, str]) -> HitView:
    partner_org, partner_obs = row[f"org_{other}_id"], row[f"observable_{other}_id"]
    held = held_by[(partner_org, partner_obs)]
    visible = [h.id for h in held if h.visible]
    return HitView(
        id=row["id"], kind=row["kind"], selector=selectors[row[f"observable_{side}_id"]],
        contribution_id=row[f"contribution_{side}_id"],
        partner=partner_label(names[partner_org], (h.anonymous for h in held), bool(visible)),
        partner_visible=bool(visible),
        partner_selector=selectors[partner_obs] if visible else None,
        partner_contributions=visible,
        partner_themes=sorted({t for h in held for t in themes[h.id]}),
        partner_received=max((h.received_at for h in held), default=None),
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
