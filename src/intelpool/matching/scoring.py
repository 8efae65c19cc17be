"""Confidence scores from 0 to 100, with their breakdown, from what the asker may see.

Each visible sighting weighs reliability x credibility (in its own scheme, unevaluated = 0.5
each) x an age decay with a half-life per observable type. Sightings of one organisation
combine as 1 - prod(1 - w/2), so repeats add less than independent partners do; partners then
combine as 1 - prod(1 - s_org). A warninglisted value keeps a fifth of its score.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, RowMapping, select

from intelpool.access import Permission, Principal, require
from intelpool.access.evaluation import CREDIBILITY_WEIGHT, RELIABILITY_WEIGHT, Scheme
from intelpool.access.visibility import visible_contribution
from intelpool.audit import service as audit
from intelpool.db.tables import contributions, observables, observations, organisations
from intelpool.db.types import utcnow
from intelpool.errors import InvalidInput
from intelpool.observables import InvalidObservable, parse_selector
from intelpool.pool.views import ANONYMOUS_ORIGINATOR

UNEVALUATED = 0.5
WARNINGLIST_FACTOR = 0.2
# How fast a sighting loses weight: infrastructure moves fast, file hashes do not.
HALF_LIFE_DAYS: dict[str, float] = {
    "ipv4": 30, "ipv6": 30, "ip-port": 21, "url": 14, "domain": 90, "hostname": 60,
    "cidr": 120, "email": 180, "md5": 365, "sha1": 365, "sha256": 365, "sha512": 365,
    "btc-wallet": 365, "eth-wallet": 365, "xmr-wallet": 365, "iban": 365, "handle": 365,
    "phone": 180,
}
DEFAULT_HALF_LIFE = 90.0


@dataclass(slots=True)
class Sighting:
    contribution_id: int
    originator: str
    evaluation: str
    reliability_weight: float
    credibility_weight: float
    seen: datetime
    age_days: float
    decay: float
    weight: float


@dataclass(slots=True)
class ScoreView:
    selector: str
    score: int
    organisations: int
    sightings: list[Sighting] = field(default_factory=list)
    per_organisation: dict[str, float] = field(default_factory=dict)
    half_life_days: float = DEFAULT_HALF_LIFE
    warning: str | None = None


def score(conn: Connection, principal: Principal, value: str,
          type_hint: str | None = None) -> ScoreView:
    require(principal, Permission.POOL_READ)
    try:
        kind, canonical = parse_selector(value, type_hint)
    except InvalidObservable as exc:
        raise InvalidInput(f"cannot score {value!r}: {exc}") from None
    rows = conn.execute(
        select(contributions.c.id, contributions.c.originator_id, contributions.c.anonymous,
               contributions.c.eval_scheme, contributions.c.reliability,
               contributions.c.credibility, contributions.c.received_at,
               observations.c.last_seen, observations.c.first_seen, organisations.c.name,
               observables.c.warning)
        .join(observations, observations.c.contribution_id == contributions.c.id)
        .join(observables, observables.c.id == observations.c.observable_id)
        .join(organisations, organisations.c.id == contributions.c.originator_id)
        .where(observables.c.type == kind, observables.c.value == canonical,
               visible_contribution(principal))
        .order_by(contributions.c.id)
    ).mappings().all()
    half_life = HALF_LIFE_DAYS.get(kind, DEFAULT_HALF_LIFE)
    now = utcnow()
    view = ScoreView(f"{kind} {canonical}", 0, 0, half_life_days=half_life,
                     warning=rows[0]["warning"] if rows else None)
    by_org: dict[object, list[float]] = defaultdict(list)
    labels: dict[object, str] = {}
    for r in rows:
        sighting = _sighting(r, principal, now, half_life)
        view.sightings.append(sighting)
        by_org[r["originator_id"]].append(sighting.weight)
        labels[r["originator_id"]] = sighting.originator
    remaining = 1.0
    for org, weights in by_org.items():
        s_org = 1 - math.prod(1 - w / 2 for w in weights)
        view.per_organisation[f"{labels[org]} #{len(view.per_organisation) + 1}"] = round(
            s_org, 3)
        remaining *= 1 - s_org
    total = 1 - remaining
    if view.warning:
        total *= WARNINGLIST_FACTOR
    view.score, view.organisations = round(100 * total), len(by_org)
    audit.record(conn, principal, "pool.score", subject_type="observable",
                 subject_id=view.selector[:64], detail={"score": view.score})
    return view


def _sighting(row: RowMapping, principal: Principal, now: datetime,
              half_life: float) -> Sighting:
    scheme = Scheme(row["eval_scheme"]) if row["eval_scheme"] else None
    rel = RELIABILITY_WEIGHT[scheme].get(row["reliability"] or "", UNEVALUATED) \
        if scheme else UNEVALUATED
    cred = CREDIBILITY_WEIGHT[scheme].get(row["credibility"] or "", UNEVALUATED) \
        if scheme else UNEVALUATED
    seen = row["last_seen"] or row["first_seen"] or row["received_at"]
    age = max(0.0, (now - seen).total_seconds() / 86400)
    decay = 0.5 ** (age / half_life)
    anonymous = row["anonymous"] and row["originator_id"] != principal.organisation_id
    label = ANONYMOUS_ORIGINATOR if anonymous else row["name"]
    evaluation = (f"{scheme.value} {row['reliability'] or '-'}{row['credibility'] or '-'}"
                  if scheme else "not evaluated")
    return Sighting(row["id"], label, evaluation, rel, cred, seen, round(age, 1),
                    round(decay, 3), round(rel * cred * decay, 3))
