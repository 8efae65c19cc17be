"""Client structures: botnets, online-fraud rings and ransomware affiliates.

Each is built from its own random stream and buys from the providers (``providers.py``):
botnets from a crypter, often a loader, and a bulletproof hoster; fraud rings host phishing
at a hoster and cash out through a laundering service; ransomware affiliates buy access from
brokers. Key members are what an investigator should target first.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from intelpool.scenario.context import DGA_TLDS, Context
from intelpool.scenario.finance import IBAN_COUNTRIES
from intelpool.scenario.model import Entity, Member, Partner, Structure
from intelpool.scenario.providers import bought_from, hosted_on
from intelpool.scenario.values import NS_DOMAIN, between

CLIENT_COUNTS = {"botnet": 8, "fraud-ring": 8, "ransomware-affiliate": 5}
Providers = dict[str, list[Structure]]
_PHISH_WORDS = ("secure-login", "verify", "online", "account-check", "support", "update",
                "id-confirm", "mobile", "service", "alert")


def client_count(kind: str, scale: float) -> int:
    return max(1, round(CLIENT_COUNTS[kind] * scale))


def build_client(ctx: Context, kind: str, n: int, slice_start: datetime, slice_end: datetime,
                 providers: Providers, police: list[str], banks: list[Partner]) -> Structure:
    rng = ctx.rng(kind, n)
    start = between(rng, slice_start, slice_end)
    end = min(ctx.end, start + timedelta(days=rng.randint(20, 150)))
    victims = tuple(rng.sample(police, rng.randint(1, 2)))
    themes = {"botnet": ("botnet", "malware-distribution"), "fraud-ring": ("online-fraud",),
              "ransomware-affiliate": ("intrusion",)}[kind]
    s = Structure(f"{kind}-{n + 1:04d}", kind, themes[0], "", [], [], start, end,
                  victims=victims, themes=themes)
    if kind == "botnet":
        _botnet(ctx, rng, s, providers, banks)
    elif kind == "fraud-ring":
        _fraud_ring(ctx, rng, s, providers, banks)
    else:
        _affiliate(ctx, rng, s, providers)
    return s


def _add(s: Structure, type_: str, value: str, role: str, key: bool = False) -> Member:
    member = Member(type_, value, role, key)
    s.members.append(member)
    return member


def _botnet(ctx: Context, rng: random.Random, s: Structure, providers: Providers,
            banks: list[Partner]) -> None:
    s.name = ctx.family()
    flavour = rng.choice(("bot", "trojan", "spyware"))
    if flavour == "trojan":  # a banking trojan: banks see its infections
        s.targets = tuple(b.name for b in rng.sample(banks, rng.randint(1, len(banks))))
    actor = ctx.alias()
    operator = ctx.handle(rng, rng.choice(("exploit.in", "xss.is")))
    s.entities = [Entity("threat-actor", actor, "criminal", (operator.split(":", 1)[1],)),
                  Entity("malware", s.name, flavour),
                  Entity("infrastructure", f"{s.name} C2", "command-and-control")]
    _add(s, "handle", operator, "operator", key=True)
    if rng.random() < 0.5:
        _add(s, "handle", ctx.handle(rng, "telegram"), "operator-contact")
    hoster = rng.choice(providers["bulletproof-hosting"])
    for i in range(rng.randint(8, 24)):
        if i < 2 or rng.random() < 0.5:
            hosted_on(ctx, hoster, s, "c2", key=i < 2)  # the backend sits at the hoster
        else:
            _add(s, "ipv4", ctx.hosted(rng), "c2")
    if rng.random() < 0.5:
        tlds = tuple(rng.sample(DGA_TLDS, 3))
        domains = [ctx.dga_domain(rng, tlds) for _ in range(rng.randint(60, 200))]
        role = "dga-domain"
    else:
        domains = [ctx.domain(rng) for _ in range(rng.randint(6, 15))]
        role = "c2-domain"
    for d in domains:
        _add(s, "domain", d, role)
    _add(s, "url", ctx.url(rng, domains[0], "php"), "c2-panel", key=True)
    for i in range(rng.randint(15, 50)):
        _add(s, "sha256", ctx.sample_hash("sha256", s.id, "payload", i), "payload")
        if i % 3 == 0:
            _add(s, "md5", ctx.sample_hash("md5", s.id, "payload", i), "payload")
    for _ in range(rng.randint(10, 30)):
        _add(s, "url", ctx.url(rng, ctx.domain(rng), "exe"), "payload-delivery")
    crypter = rng.choice(providers["crypter"])
    bought_from(s, crypter, ("payment-wallet",), "crypter-payment", rng)
    if rng.random() < 0.6:
        bought_from(s, rng.choice(providers["loader"]), ("loader-payload",), "dropper", rng)


def _fraud_ring(ctx: Context, rng: random.Random, s: Structure, providers: Providers,
                banks: list[Partner]) -> None:
    targets = rng.sample(banks, rng.randint(1, 2))
    s.targets = tuple(b.name for b in targets)
    s.name = ctx.alias()
    leader = ctx.handle(rng, "telegram")
    kit = f"{ctx.family()} kit"
    s.entities = [Entity("threat-actor", s.name, "crime-syndicate", (leader.split("@", 1)[1],)),
                  Entity("tool", kit, "phishing-kit")]
    _add(s, "handle", leader, "leader", key=True)
    for _ in range(rng.randint(1, 4)):
        _add(s, "handle", ctx.handle(rng), "member")
    for i in range(rng.randint(1, 3)):
        _add(s, "sha256", ctx.sample_hash("sha256", s.id, "kit", i), "phishing-kit", key=i == 0)
    hoster = rng.choice(providers["bulletproof-hosting"])
    for i in range(rng.randint(3, 10)):
        if rng.random() < 0.5:
            hosted_on(ctx, hoster, s, "phishing-hosting", key=i == 0)
        else:
            _add(s, "ipv4", ctx.hosted(rng), "phishing-hosting")
    domains = []
    for _ in range(rng.randint(15, 60)):
        brand = rng.choice(targets).brand or "bank"
        label = f"{brand}-{rng.choice(_PHISH_WORDS)}-{ctx.namer.word(NS_DOMAIN, 4)}"
        domains.append(f"{label}.{rng.choice(('com', 'net', 'online', 'site', 'info', 'top'))}")
        _add(s, "domain", domains[-1], "phishing-domain")
    for _ in range(rng.randint(20, 80)):
        _add(s, "url", ctx.url(rng, rng.choice(domains), "php", "https"), "phishing-url")
    mail_domain = ctx.domain(rng, ("com", "net"))
    for i in range(rng.randint(2, 6)):
        _add(s, "email", ctx.mailbox(rng, mail_domain), "drop-mailbox", key=i == 0)
    countries = rng.sample(IBAN_COUNTRIES, 3)
    for _ in range(rng.randint(10, 40)):
        _add(s, "iban", ctx.iban(rng, rng.choice(countries)), "mule-account")
    for i in range(rng.randint(3, 8)):
        _add(s, "btc-wallet", ctx.wallet(rng, s.id, "cashout", i), "cash-out", key=i == 0)
    laundering = rng.choice(providers["laundering"])
    bought_from(s, laundering, ("deposit-wallet",), "laundering-deposit", rng)


def _affiliate(ctx: Context, rng: random.Random, s: Structure, providers: Providers) -> None:
    s.name = ctx.alias()
    family = rng.choice(ctx.ransomware)
    s.entities = [Entity("intrusion-set", s.name, "ransomware-affiliate"),
                  Entity("malware", family, "ransomware")]
    for i in range(rng.randint(1, 2)):
        _add(s, "handle", ctx.handle(rng, ("exploit.in", "xss.is")[i]), "affiliate", key=i == 0)
    hoster = rng.choice(providers["bulletproof-hosting"])
    for i in range(rng.randint(6, 15)):
        if i == 0 or rng.random() < 0.5:
            hosted_on(ctx, hoster, s, "c2", key=i == 0)
        else:
            _add(s, "ipv4", ctx.hosted(rng), "c2")
    for i in range(rng.randint(10, 30)):
        _add(s, "sha256", ctx.sample_hash("sha256", s.id, "tool", i), "intrusion-tool")
    for _ in range(rng.randint(2, 5)):
        _add(s, "ipv4", ctx.hosted(rng), "exfiltration")
    for i in range(rng.randint(1, 2)):
        _add(s, "domain", ctx.domain(rng), "negotiation-portal", key=i == 0)
    for i in range(rng.randint(2, 5)):
        _add(s, "btc-wallet", ctx.wallet(rng, s.id, "ransom", i), "ransom-wallet", key=i == 0)
    for broker in rng.sample(providers["access-broker"],
                             min(len(providers["access-broker"]), rng.randint(1, 2))):
        bought_from(s, broker, ("sales-wallet",), "access-purchase", rng)
    if rng.random() < 0.5:
        bought_from(s, rng.choice(providers["crypter"]), ("payment-wallet",),
                    "crypter-payment", rng)
    bought_from(s, rng.choice(providers["laundering"]), ("deposit-wallet",),
                "laundering-deposit", rng)

