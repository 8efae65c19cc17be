"""Noise and decoys: what a good analysis must not mistake for a network.

Noise is each partner's unrelated data (other cases, feed entries). It comes from the
partner's own value namespace, so it never overlaps with another partner's data: any hit in
a scenario is one the ground truth records.

Decoys are shared on purpose and marked in the ground truth:
- benign infrastructure that warninglists catch (public resolvers 8.8.8.8, 1.1.1.1, 9.9.9.9;
  RFC 1918 addresses; the hashes of the empty file; RFC 6761 test domains), scattered over
  many partners' files;
- shared-hosting addresses: one address of an ordinary hoster used by two unrelated
  structures (different kinds, different operators), so merging on it would be wrong.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from intelpool.scenario.context import TLDS, Context, noise_namespace
from intelpool.scenario.finance import IBAN_COUNTRIES
from intelpool.scenario.model import Member, Partner, Selector
from intelpool.scenario.values import AddressPool, between

_FIXED_DECOYS = (
    ("ipv4", "8.8.8.8", "public-dns-resolver"),
    ("ipv4", "1.1.1.1", "public-dns-resolver"),
    ("ipv4", "9.9.9.9", "public-dns-resolver"),
    ("ipv4", "10.0.0.5", "rfc1918-address"),
    ("ipv4", "192.168.1.20", "rfc1918-address"),
    ("ipv4", "172.16.4.2", "rfc1918-address"),
    ("md5", "d41d8cd98f00b204e9800998ecf8427e", "empty-file-hash"),
    ("sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "empty-file-hash"),
    ("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "empty-file-hash"),
    ("domain", "example.com", "reserved-test-domain"),
    ("domain", "example.net", "reserved-test-domain"),
    ("url", "http://example.org/login.php", "reserved-test-domain"),
)

# Type mix of each partner kind's unrelated data (weights), and the CERT's feed lists.
MIX: dict[str, tuple[tuple[str, int], ...]] = {
    "law-enforcement": (("ipv4", 30), ("domain", 20), ("url", 15), ("sha256", 15), ("md5", 5),
                        ("email", 5), ("handle", 4), ("btc-wallet", 3), ("iban", 3)),
    "private": (("url", 35), ("domain", 25), ("ipv4", 15), ("iban", 15), ("email", 5),
                ("btc-wallet", 5)),
    "host": (("ipv4", 35), ("domain", 25), ("url", 20), ("sha256", 20)),
    "cert:ip": (("ipv4", 1),),
    "cert:domain": (("domain", 1),),
    "cert:url": (("url", 1),),
    "cert:hash": (("sha256", 3), ("md5", 1)),
}
# Roles of unrelated data; banks only report what they meet: phishing and fraud.
_BANK_ROLES = {"ipv4": ("phishing-hosting",), "domain": ("phishing-domain",),
               "url": ("phishing-url",)}
_ROLES = {"ipv4": ("scanner", "c2", "spam-source", "bruteforce"),
          "domain": ("malicious-domain", "phishing-domain", "c2-domain"),
          "url": ("malware-download", "phishing-url"), "sha256": ("payload",),
          "md5": ("payload",), "email": ("spam-sender",), "handle": ("seller",),
          "btc-wallet": ("fraud-wallet",), "iban": ("mule-account",)}


@dataclass(slots=True)
class Decoy:
    member: Member
    structures: list[str] = field(default_factory=list)

    def as_truth(self) -> dict[str, Any]:
        m = self.member
        return {"type": m.type, "value": m.value, "reason": m.role, "structures": self.structures,
                "seen_by": sorted(m.seen_by)}


def fixed_decoys() -> list[Decoy]:
    return [Decoy(Member(t, v, reason)) for t, v, reason in _FIXED_DECOYS]


def shared_hosting_decoys(ctx: Context) -> list[Decoy]:
    pool = AddressPool(ctx.netblocks)
    count = max(1, round(3 * ctx.scale))
    return [Decoy(Member("ipv4", pool.address(), "shared-hosting")) for _ in range(count)]


def unrelated_selectors(ctx: Context, partner: Partner, index: int, mix: str, count: int,
                        start: datetime, end: datetime, rng: random.Random) -> list[Selector]:
    """``count`` selectors of ``partner``'s unrelated data, dated within [start, end]."""
    types, weights = zip(*MIX[mix], strict=True)
    ns = noise_namespace(index)
    pool = ctx.noise_pools.setdefault(index, AddressPool(ctx.netblocks))
    roles = {**_ROLES, **_BANK_ROLES} if partner.kind == "private" else _ROLES
    out = []
    for kind in rng.choices(types, weights=weights, k=count):
        first = between(rng, start, end)
        last = between(rng, first, end)
        value = _value(ctx, rng, kind, ns, pool)
        out.append(Selector(kind, value, rng.choice(roles[kind]), first, last))
    return out


def noise_handle(ctx: Context, index: int, rng: random.Random) -> str:
    """An unrelated subject from partner ``index``'s own namespace (a payments sheet's)."""
    return _handle(ctx, rng, noise_namespace(index))


def _handle(ctx: Context, rng: random.Random, ns: int) -> str:
    forum = rng.choice(("exploit.in", "xss.is", "telegram"))
    name = ctx.namer.word(ns, 5)
    return f"telegram:@{name}" if forum == "telegram" else f"{forum}:{name}"


def _value(ctx: Context, rng: random.Random, kind: str, ns: int, pool: AddressPool) -> str:
    if kind == "ipv4":
        return pool.address()
    if kind == "domain":
        return ctx.domain(rng, TLDS, ns, 5)
    if kind == "url":
        host = ctx.domain(rng, TLDS, ns, 5)
        # The host is new, so the URL is unique whatever its path.
        return ctx.url(rng, host, rng.choice(("exe", "php", "zip", "html")),
                       rng.choice(("http", "https")), unique=False)
    if kind in ("sha256", "md5", "sha1"):
        return ctx.sample_hash(kind, "noise", ns, ctx.namer.digits(ns, 12))
    if kind == "email":
        return ctx.mailbox(rng, ctx.domain(rng, ("com", "net"), ns, 5), ns)
    if kind == "handle":
        return _handle(ctx, rng, ns)
    if kind == "btc-wallet":
        return ctx.wallet(rng, "noise", ns, ctx.namer.digits(ns, 12))
    if kind == "iban":
        return ctx.iban(rng, rng.choice(IBAN_COUNTRIES), ns)
    raise ValueError(f"no noise maker for {kind}")


def sprinkle(decoys: list[Decoy], partner: Partner, allowed: frozenset[str] | None,
             start: datetime, end: datetime, rng: random.Random) -> list[Selector]:
    """A few warninglisted decoys, as they creep into real files (sandbox runs, configs).

    Decoys no file holds yet go first, so every decoy is in some file even at small scales.
    """
    fitting = [d for d in decoys if d.member.role != "shared-hosting"
               and (allowed is None or d.member.type in allowed)]
    unseen = [d for d in fitting if not d.member.seen_by]
    if not unseen and rng.random() > 0.35:
        return []
    pool = unseen or fitting
    out = []
    for decoy in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
        decoy.member.seen(partner.name)
        first = between(rng, start, end)
        out.append(Selector(decoy.member.type, decoy.member.value, "observed", first,
                            between(rng, first, end)))
    return out
