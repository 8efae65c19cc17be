"""The state a scenario is generated from: seed, scale, time window, and the value makers.

All counters live here and advance in one fixed order, so the same seed gives the same
values; every random choice comes from a stream derived for its unit (``rng``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from intelpool.scenario import finance
from intelpool.scenario.values import (
    NOISE_BASE,
    NS_ACCOUNT,
    NS_DGA,
    NS_DOMAIN,
    NS_FAMILY,
    NS_HANDLE,
    NS_MAILBOX,
    NS_PATH,
    AddressPool,
    Namer,
    Netblocks,
    derive_rng,
    file_hash,
    window_start,
)

WINDOW_DAYS = 540
TLDS = ("com", "net", "org", "info", "biz", "top", "xyz", "online", "site", "ru", "su", "cc",
        "io", "pw", "click", "shop")
DGA_TLDS = ("com", "net", "org", "info", "biz", "top", "xyz", "ru", "cc", "pw")
FORUMS = ("exploit.in", "xss.is", "telegram")
_ADJECTIVES = ("Silent", "Amber", "Hollow", "Crimson", "Iron", "Velvet", "Frozen", "Copper",
               "Ashen", "Gilded", "Rusty", "Pale", "Restless", "Northern", "Hidden", "Bitter",
               "Lucky", "Quiet", "Scarlet", "Wandering", "Grey", "Feral", "Brass", "Midnight")
_ANIMALS = ("Heron", "Lynx", "Marten", "Badger", "Gecko", "Jackal", "Osprey", "Weasel",
            "Magpie", "Stoat", "Viper", "Moth", "Raven", "Ibex", "Marmot", "Shrike", "Newt",
            "Hyena", "Kestrel", "Ferret", "Mantis", "Cobra", "Otter", "Wolverine")
_PATH_WORDS = ("wp-content", "wp-includes", "uploads", "images", "files", "admin", "cdn",
               "static", "update", "docs", "invoice", "tmp", "js", "download")


@dataclass
class Context:
    seed: int
    scale: float
    start: datetime
    namer: Namer = field(default_factory=Namer)
    netblocks: Netblocks = field(default_factory=Netblocks)
    hosting: list[AddressPool] = field(default_factory=list)  # ordinary hosting providers
    pools: dict[str, AddressPool] = field(default_factory=dict)  # bulletproof hosters
    noise_pools: dict[int, AddressPool] = field(default_factory=dict)  # per partner
    ransomware: list[str] = field(default_factory=list)  # families shared by affiliates
    _aliases: int = 0
    _banks: int = 0

    @classmethod
    def create(cls, seed: int, scale: float) -> Context:
        ctx = cls(seed, scale, window_start(seed))
        ctx.hosting = [AddressPool(ctx.netblocks) for _ in range(max(3, round(6 * scale)))]
        ctx.ransomware = [ctx.family() + "Locker" for _ in range(max(2, round(3 * scale)))]
        return ctx

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=WINDOW_DAYS)

    def rng(self, *labels: object) -> random.Random:
        return derive_rng(self.seed, *labels)

    # --- names -------------------------------------------------------------------------

    def family(self) -> str:
        # Short names while they last (80**3 / 64 of them), then longer ones.
        syllables = 3 if self.namer.count(NS_FAMILY) < 7900 else 4
        return self.namer.word(NS_FAMILY, syllables).capitalize()

    def alias(self) -> str:
        """A threat-actor style name ("Silent Heron"); numbered once the pairs run out."""
        n = self._aliases
        self._aliases += 1
        pairs = len(_ADJECTIVES) * len(_ANIMALS)
        adjective = _ADJECTIVES[n % len(_ADJECTIVES)]
        name = f"{adjective} {_ANIMALS[(n // len(_ADJECTIVES)) % len(_ANIMALS)]}"
        return name if n < pairs else f"{name} {n // pairs + 1}"

    def handle(self, rng: random.Random, forum: str | None = None) -> str:
        forum = forum or rng.choice(FORUMS)
        name = self.namer.word(NS_HANDLE, 4)
        if rng.random() < 0.4:
            name += rng.choice(("_", "")) + str(rng.randint(1, 99))
        return f"telegram:@{name}" if forum == "telegram" else f"{forum}:{name}"

    # --- network selectors --------------------------------------------------------------

    def domain(self, rng: random.Random, tlds: tuple[str, ...] = TLDS, ns: int = NS_DOMAIN,
               syllables: int = 4) -> str:
        return f"{self.namer.word(ns, syllables)}.{rng.choice(tlds)}"

    def dga_domain(self, rng: random.Random, tlds: tuple[str, ...]) -> str:
        return f"{self.namer.letters(NS_DGA, rng.randint(10, 16))}.{rng.choice(tlds)}"

    def path(self, rng: random.Random, ext: str, unique: bool = True) -> str:
        """A URL path; unique ones for hosts that serve many URLs of one structure."""
        head = "/".join(rng.sample(_PATH_WORDS, rng.randint(1, 2)))
        name = self.namer.word(NS_PATH, 5) if unique else rng.choice(_PATH_WORDS) + str(
            rng.randint(1, 999))
        return f"/{head}/{name}.{ext}"

    def url(self, rng: random.Random, host: str, ext: str, scheme: str = "http",
            unique: bool = True) -> str:
        return f"{scheme}://{host}{self.path(rng, ext, unique)}"

    def mailbox(self, rng: random.Random, domain: str, ns: int = NS_MAILBOX) -> str:
        return f"{self.namer.word(ns, 4)}{rng.choice(('', '.', '_'))}{rng.randint(1, 99)}@{domain}"

    def hosted(self, rng: random.Random) -> str:
        """An address at one of the ordinary hosting providers."""
        return rng.choice(self.hosting).address()

    # --- files and money ----------------------------------------------------------------

    def sample_hash(self, kind: str, *labels: object) -> str:
        return file_hash(kind, self.seed, *labels)

    def wallet(self, rng: random.Random, *labels: object) -> str:
        key_hash = bytes.fromhex(file_hash("sha1", self.seed, "wallet", *labels))
        style = rng.choices(("p2pkh", "p2sh", "p2wpkh"), weights=(3, 2, 5))[0]
        return finance.btc_address(style, key_hash)

    def iban(self, rng: random.Random, country: str, ns: int = NS_ACCOUNT) -> str:
        bank = finance.bank_code(country, rng.randint(0, 400))
        return finance.iban(country, bank, self.namer.digits(ns, 10))


def noise_namespace(partner_index: int) -> int:
    return NOISE_BASE + partner_index
