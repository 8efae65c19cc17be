"""Who sees which part of which structure, and when.

Police see what touches their country (victims) and, rarely, more; banks see the fraud
aimed at them and the banking trojans infecting their customers; the CERT sees network and
file selectors; the host centre picks up some through open sources. Each viewer sees a
random share of what its kind can see, over part of the structure's lifetime. Every member
ends up in at least one view, so every planted selector is in some file. Each view then
states some ties between its sightings (``evidence``): what sets key members apart.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from intelpool.scenario.evidence import Candidate, candidates
from intelpool.scenario.model import Member, Partner, Selector, Structure, Tie
from intelpool.scenario.values import between
from intelpool.scenario.writers import carries

_NETWORK = frozenset({"ipv4", "domain", "url", "sha256", "md5", "sha1"})
_CERT_SEES = {"botnet": 0.8, "fraud-ring": 0.6, "ransomware-affiliate": 0.4,
              "access-broker": 0.7, "bulletproof-hosting": 0.5, "loader": 0.5}


def visible_types(partner: Partner, structure: Structure) -> frozenset[str] | None:
    """The member types ``partner`` can come to know of ``structure`` (None: every type)."""
    if partner.kind == "law-enforcement":
        return None
    if partner.kind == "private":
        if structure.kind == "fraud-ring":
            return frozenset({"domain", "url", "ipv4", "iban", "btc-wallet", "email"})
        return frozenset({"ipv4", "sha256", "md5", "url"})
    if partner.kind == "cert":
        return _NETWORK | {"cidr"}
    return _NETWORK | {"handle", "btc-wallet"}


def viewers(structure: Structure, partners: list[Partner], rng: random.Random) -> list[Partner]:
    police = [p for p in partners if p.kind == "law-enforcement"]
    victims = set(structure.victims) or {p.name for p in rng.sample(police, rng.randint(1, 2))}
    chosen = [p for p in police if p.name in victims or rng.random() < 0.08]
    chosen += [p for p in partners if p.kind == "private" and p.name in structure.targets]
    cert_odds = _CERT_SEES.get(structure.kind, 0.0)
    chosen += [p for p in partners if p.kind == "cert" and rng.random() < cert_odds]
    chosen += [p for p in partners if p.kind == "host" and rng.random() < 0.25]
    return chosen


def plan_views(structure: Structure, partners: list[Partner], rng: random.Random,
               since: datetime, until: datetime) -> dict[str, list[Selector]]:
    """Each viewing partner's sightings of ``structure`` within [since, until], by name."""
    seen: dict[str, list[Selector]] = {}
    window = (since, until)
    chosen = viewers(structure, partners, rng)
    for partner in chosen:
        allowed = visible_types(partner, structure)
        share = rng.uniform(0.2, 0.55)
        police = partner.kind == "law-enforcement"
        for m in structure.members:
            if allowed is not None and m.type not in allowed:
                continue
            if rng.random() < share or (m.key and police and rng.random() < 0.5):
                _sight(structure, partner, m, seen, window, rng)
        for d in structure.decoys:
            if (allowed is None or d.type in allowed) and rng.random() < 0.7:
                _sight(structure, partner, d, seen, window, rng)
    sighted = {(s.type, s.value) for sightings in seen.values() for s in sightings}
    for m in [*structure.members, *structure.decoys]:
        if (m.type, m.value) not in sighted:
            _sight(structure, _fallback(chosen, structure, m), m, seen, window, rng)
    ties = candidates(structure)
    if ties:
        by_name = {p.name: p for p in partners}
        for name, sightings in seen.items():
            _tie(structure, by_name[name], ties, sightings, window, rng)
    return seen


def _tie(structure: Structure, partner: Partner, ties: list[Candidate],
         sightings: list[Selector], window: tuple[datetime, datetime],
         rng: random.Random) -> None:
    """The ties (``evidence``) ``partner``'s file states between its sightings of
    ``structure``; a tie's target the partner had not sighted joins its sightings."""
    allowed = visible_types(partner, structure)
    carried = carries(partner.format)  # the rest goes to a companion file
    index = {(s.type, s.value): i for i, s in enumerate(sightings)}
    stated: dict[int, list[Tie]] = {}
    for c in ties:
        source = index.get((c.source.type, c.source.value))
        if source is None or (allowed is not None and c.target.type not in allowed):
            continue
        if carried is not None and (c.source.type in carried) != (c.target.type in carried):
            continue
        if rng.random() >= c.chance:
            continue
        target = (c.target.type, c.target.value)
        if target not in index:
            index[target] = len(sightings)
            _sight(structure, partner, c.target, {partner.name: sightings}, window, rng)
        stated.setdefault(source, []).append((c.relationship, *target))
    for i, found in stated.items():
        sightings[i] = replace(sightings[i], ties=tuple(found))


def _fallback(chosen: list[Partner], structure: Structure, member: Member) -> Partner:
    """A viewer that can carry an unseen member: police first (they can carry every type)."""
    for partner in sorted(chosen, key=lambda p: p.kind != "law-enforcement"):
        allowed = visible_types(partner, structure)
        if allowed is None or member.type in allowed:
            return partner
    raise ValueError(f"{structure.id} has no viewer that can carry {member.type}")


def _sight(structure: Structure, partner: Partner, member: Member,
           seen: dict[str, list[Selector]], window: tuple[datetime, datetime],
           rng: random.Random) -> None:
    member.seen(partner.name)
    first = between(rng, *window)
    last = max(between(rng, first, window[1]), first + timedelta(hours=1))
    seen.setdefault(partner.name, []).append(
        Selector(member.type, member.value, member.role, first, last, structure.id,
                 structure.themes))
