"""Crime-as-a-service providers and initial-access brokers: structures that serve others.

Providers exist for the whole scenario window; client structures (``structures.py``) buy
from them, and the selectors that reveal the link (a C2 server in the hoster's netblock, a
payment to the crypter's wallet, a deposit at the laundering service) are members of both.
"""

from __future__ import annotations

import random
from datetime import timedelta

from intelpool.scenario.context import Context
from intelpool.scenario.model import Entity, Member, Structure
from intelpool.scenario.values import AddressPool, between

PROVIDER_COUNTS = {"bulletproof-hosting": 3, "crypter": 3, "loader": 2, "laundering": 2,
                   "access-broker": 4}
_THEMES = {
    "bulletproof-hosting": ("crime-as-a-service",),
    "crypter": ("crime-as-a-service", "malware-testing"),
    "loader": ("crime-as-a-service", "malware-distribution"),
    "laundering": ("crime-as-a-service",),
    "access-broker": ("intrusion", "crime-as-a-service"),
}


def provider_count(kind: str, scale: float) -> int:
    return max(1, round(PROVIDER_COUNTS[kind] * scale))


def build_providers(ctx: Context) -> dict[str, list[Structure]]:
    """Every provider of the scenario, by kind, in a fixed order."""
    builders = {"bulletproof-hosting": _bph, "crypter": _crypter, "loader": _loader,
                "laundering": _laundering, "access-broker": _broker}
    out: dict[str, list[Structure]] = {}
    for kind, build in builders.items():
        out[kind] = []
        for n in range(provider_count(kind, ctx.scale)):
            rng = ctx.rng(kind, n)
            structure = _shell(ctx, rng, kind, f"{kind}-{n + 1:04d}")
            build(ctx, rng, structure, out)
            out[kind].append(structure)
    return out


def _shell(ctx: Context, rng: random.Random, kind: str, sid: str) -> Structure:
    start = between(rng, ctx.start, ctx.start + timedelta(days=120))
    end = between(rng, ctx.end - timedelta(days=120), ctx.end)
    themes = _THEMES[kind]
    return Structure(sid, kind, themes[0], "", [], [], start, end, themes=themes)


def _add(s: Structure, type_: str, value: str, role: str, key: bool = False) -> Member:
    member = Member(type_, value, role, key)
    s.members.append(member)
    return member


def _bph(ctx: Context, rng: random.Random, s: Structure,
         _providers: dict[str, list[Structure]]) -> None:
    s.name = f"{ctx.family()} Hosting"
    s.entities = [Entity("threat-actor", s.name, "criminal"),
                  Entity("infrastructure", f"{s.name} netblocks", "hosting-malware")]
    pool = AddressPool(ctx.netblocks)
    pool.blocks = [ctx.netblocks.block() for _ in range(rng.randint(2, 3))]
    ctx.pools[s.id] = pool
    _add(s, "handle", ctx.handle(rng, "exploit.in"), "seller", key=True)
    site = ctx.domain(rng)
    _add(s, "domain", site, "provider-website", key=True)
    _add(s, "email", ctx.mailbox(rng, site), "provider-contact")
    for block in pool.blocks:
        _add(s, "cidr", block.cidr, "bulletproof-netblock", key=True)
    for _ in range(2):
        _add(s, "ipv4", pool.address(), "provider-server")


def _crypter(ctx: Context, rng: random.Random, s: Structure,
             _providers: dict[str, list[Structure]]) -> None:
    s.name = f"{ctx.family()} Crypt"
    s.entities = [Entity("threat-actor", f"{s.name} seller", "criminal"),
                  Entity("tool", s.name, "crypter")]
    _add(s, "handle", ctx.handle(rng, rng.choice(("exploit.in", "xss.is"))), "seller", key=True)
    _add(s, "handle", ctx.handle(rng, "telegram"), "support-channel")
    site = ctx.domain(rng)
    _add(s, "domain", site, "crypting-service", key=True)
    _add(s, "url", ctx.url(rng, site, "php", "https"), "crypting-panel")
    _add(s, "btc-wallet", ctx.wallet(rng, s.id, "payment"), "payment-wallet", key=True)
    for i in range(rng.randint(2, 4)):
        _add(s, "sha256", ctx.sample_hash("sha256", s.id, "stub", i), "crypter-stub")


def _loader(ctx: Context, rng: random.Random, s: Structure,
            providers: dict[str, list[Structure]]) -> None:
    s.name = ctx.family()
    s.entities = [Entity("threat-actor", f"{s.name} loader seller", "criminal"),
                  Entity("malware", s.name, "downloader")]
    _add(s, "handle", ctx.handle(rng, "exploit.in"), "seller", key=True)
    panel = ctx.domain(rng)
    _add(s, "domain", panel, "loader-panel", key=True)
    _add(s, "url", ctx.url(rng, panel, "php"), "loader-panel")
    hoster = rng.choice(providers["bulletproof-hosting"])
    for _ in range(rng.randint(3, 6)):
        hosted_on(ctx, hoster, s, "c2")
    for i in range(rng.randint(5, 10)):
        _add(s, "sha256", ctx.sample_hash("sha256", s.id, "loader", i), "loader-payload")
    _add(s, "btc-wallet", ctx.wallet(rng, s.id, "payment"), "payment-wallet")


def _laundering(ctx: Context, rng: random.Random, s: Structure,
                _providers: dict[str, list[Structure]]) -> None:
    s.name = f"{ctx.family()} Exchange"
    s.entities = [Entity("threat-actor", s.name, "crime-syndicate")]
    _add(s, "handle", ctx.handle(rng, "exploit.in"), "operator", key=True)
    _add(s, "handle", ctx.handle(rng, "telegram"), "exchange-desk")
    _add(s, "domain", ctx.domain(rng), "exchange-website")
    _add(s, "btc-wallet", ctx.wallet(rng, s.id, "hot"), "consolidation-wallet", key=True)
    for i in range(rng.randint(3, 6)):
        _add(s, "btc-wallet", ctx.wallet(rng, s.id, "deposit", i), "deposit-wallet", key=i == 0)


def _broker(ctx: Context, rng: random.Random, s: Structure,
            providers: dict[str, list[Structure]]) -> None:
    s.name = ctx.alias()
    s.entities = [Entity("threat-actor", s.name, "criminal")]
    for i in range(rng.randint(1, 3)):
        forum = ("exploit.in", "xss.is", "telegram")[i % 3]
        _add(s, "handle", ctx.handle(rng, forum), "access-seller", key=i == 0)
    hoster = rng.choice(providers["bulletproof-hosting"])
    for _ in range(rng.randint(5, 20)):
        if rng.random() < 0.5:
            hosted_on(ctx, hoster, s, "scanner")
        else:
            _add(s, "ipv4", ctx.hosted(rng), "scanner")
    for i in range(rng.randint(3, 10)):
        _add(s, "sha256", ctx.sample_hash("sha256", s.id, "tool", i), "access-tool")
    _add(s, "btc-wallet", ctx.wallet(rng, s.id, "sales"), "sales-wallet", key=True)
    _add(s, "domain", ctx.domain(rng), "access-shop")


def hosted_on(ctx: Context, hoster: Structure, client: Structure, role: str,
              key: bool = False) -> Member:
    """A server of ``client`` rented from a bulletproof ``hoster``: a member of both."""
    address = ctx.pools[hoster.id].address()
    twin = _add(hoster, "ipv4", address, "hosted-server")
    member = _add(client, "ipv4", address, role, key)
    member.twin = twin
    link(client, hoster)
    return member


def bought_from(client: Structure, provider: Structure, roles: tuple[str, ...],
                client_role: str, rng: random.Random) -> Member:
    """A selector of ``provider`` (a wallet, a payload) that shows up in ``client``'s data."""
    candidates = [m for m in provider.members if m.role in roles]
    source = rng.choice(candidates)
    member = Member(source.type, source.value, client_role, twin=source)
    client.members.append(member)
    link(client, provider)
    return member


def link(client: Structure, provider: Structure) -> None:
    if provider.id not in client.uses:
        client.uses.append(provider.id)
    if client.id not in provider.serves:
        provider.serves.append(client.id)
