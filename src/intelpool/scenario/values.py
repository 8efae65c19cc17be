"""Selector values for scenarios: realistic in shape, fictitious, unique by construction.

Choices, and why:

- IPv4 addresses. Planted infrastructure and noise take addresses from /24 blocks that
  ``Netblocks`` hands out under first octets typical of hosting space (5, 23, 31, 37, 45, ...).
  They look like real hosting addresses on purpose, so analysis and warninglists behave as on
  real data; they are generated, never observed, and may coincide with real hosts. Reserved
  and special ranges (RFC 1918, RFC 5735 test nets, RFC 6598, loopback, multicast, class E)
  and the /8s of the big public resolvers (1, 8, 9) are never handed out, so warninglists
  flag exactly the decoys planted on purpose (see ``noise.py``).
- Domain names are made-up pronounceable words (an encoding of a counter, see ``Namer``)
  under real TLDs; phishing domains add a fictitious bank's brand word. Partner users live
  under ``.example``, which is reserved.
- Hashes are digests of seed-derived strings: no real file has them.
- IBANs carry valid mod-97 check digits over random account numbers; wallets are valid
  base58check/bech32 encodings of random key hashes nobody holds a key for (``finance.py``).
- Uniqueness: every generator draws from a namespace; the n-th value of namespace ``ns`` is
  the bijective scramble of ``n * NAMESPACES + ns``. Two namespaces never produce the same
  value, so noise of different partners never collides with each other or with planted
  structures: every cross-partner overlap in a scenario is one the ground truth records.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta

NAMESPACES = 64
# Namespaces 0..15 serve planted structures; NOISE_BASE + partner index serves each partner.
NS_FAMILY, NS_DOMAIN, NS_HANDLE, NS_MAILBOX, NS_ACCOUNT, NS_PATH, NS_DGA = range(7)
NOISE_BASE = 16

_CONSONANTS = "bcdfghklmnprstvz"
_VOWELS = "aeiou"
_SYLLABLES = [c + v for c in _CONSONANTS for v in _VOWELS]  # 80
# Odd and not a multiple of 5: coprime with every power of 80, 26 and 10 used below.
_MULTIPLIER = 2654435761

_HOSTING_OCTETS = (5, 23, 31, 37, 45, 46, 62, 77, 78, 79, 80, 82, 83, 85, 87, 88, 89, 91, 93,
                   94, 95, 103, 104, 107, 109, 135, 138, 141, 146, 147, 149, 151, 152, 154,
                   155, 157, 158, 162, 164, 167, 176, 178, 179, 185, 188, 193, 194, 195, 212,
                   213, 217)


def derive_rng(seed: int, *labels: object) -> random.Random:
    """An independent random stream for one unit of the scenario (a structure, a file)."""
    text = "|".join(str(x) for x in (seed, *labels))
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def stable_uuid(*parts: object) -> str:
    """A version-4-shaped UUID fixed by ``parts`` (STIX and MISP ids must not vary per run)."""
    digest = hashlib.blake2b("|".join(str(p) for p in parts).encode(), digest_size=16).digest()
    return uuid4_text(int.from_bytes(digest, "big"))


def uuid4_text(bits: int) -> str:
    """128 bits as a version-4 UUID string (what ``uuid.UUID(int=..., version=4)`` gives,
    without building the object: ids are made by the hundred thousand)."""
    bits = (bits & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _scramble(x: int, space: int) -> int:
    if not 0 <= x < space:
        raise ValueError(f"scenario name space exhausted ({x} >= {space})")
    return (x * _MULTIPLIER) % space


class Namer:
    """Counters per namespace; each call yields a value no other call ever yields."""

    def __init__(self) -> None:
        self._counters = [0] * NAMESPACES

    def count(self, ns: int) -> int:
        return self._counters[ns]

    def _next(self, ns: int) -> int:
        n = self._counters[ns]
        self._counters[ns] = n + 1
        return n * NAMESPACES + ns

    def word(self, ns: int, syllables: int = 4) -> str:
        space = len(_SYLLABLES) ** syllables
        x = _scramble(self._next(ns), space)
        out = []
        for _ in range(syllables):
            x, digit = divmod(x, len(_SYLLABLES))
            out.append(_SYLLABLES[digit])
        return "".join(out)

    def letters(self, ns: int, length: int) -> str:
        """A random-looking lowercase label (DGA output)."""
        x = _scramble(self._next(ns), 26**length)
        out = []
        for _ in range(length):
            x, digit = divmod(x, 26)
            out.append(chr(97 + digit))
        return "".join(out)

    def digits(self, ns: int, length: int) -> str:
        return f"{_scramble(self._next(ns), 10**length):0{length}d}"


class Netblocks:
    """Hands out distinct /24 blocks; each block hands out its 254 hosts in a scrambled order."""

    _SPACE = len(_HOSTING_OCTETS) * 65536
    _STEP = 2246822519 % (len(_HOSTING_OCTETS) * 65536)  # coprime with 3 * 17 * 2**16

    def __init__(self) -> None:
        self._next_block = 0

    def block(self) -> Block:
        b = self._next_block
        self._next_block += 1
        if b >= self._SPACE:
            raise ValueError("scenario address space exhausted")
        # Consecutive blocks land far apart, as unrelated hosting networks do.
        x = (b * self._STEP + 7919) % self._SPACE
        octet = _HOSTING_OCTETS[x % len(_HOSTING_OCTETS)]
        middle = x // len(_HOSTING_OCTETS)
        return Block(f"{octet}.{middle >> 8}.{middle & 255}", offset=x % 254)


class Block:
    def __init__(self, prefix: str, offset: int = 0) -> None:
        self.prefix = prefix
        self.offset = offset
        self.used = 0

    @property
    def cidr(self) -> str:
        return f"{self.prefix}.0/24"

    @property
    def full(self) -> bool:
        return self.used >= 254

    def host(self) -> str:
        if self.full:
            raise ValueError(f"block {self.cidr} is full")
        host = (self.used * 97 + self.offset) % 254 + 1
        self.used += 1
        return f"{self.prefix}.{host}"


class AddressPool:
    """Addresses of one owner (a hosting provider, a partner's noise), growing block by block."""

    def __init__(self, netblocks: Netblocks) -> None:
        self.netblocks = netblocks
        self.blocks: list[Block] = []

    def address(self) -> str:
        if not self.blocks or self.blocks[-1].full:
            self.blocks.append(self.netblocks.block())
        return self.blocks[-1].host()


def file_hash(kind: str, *parts: object) -> str:
    """A hash of the named kind over a seed-derived string: a plausible, fictitious sample."""
    data = "|".join(str(p) for p in parts).encode()
    return hashlib.new(kind, data).hexdigest()


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stix_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def window_start(seed: int) -> datetime:
    """The scenario's first day: fixed by the seed, never the wall clock."""
    return datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=seed % 180)


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment in [start, end], whole minutes (the hot path: one float draw)."""
    span = max(0, int((end - start).total_seconds() // 60))
    return start + timedelta(minutes=int(rng.random() * (span + 1)))
