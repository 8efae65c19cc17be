"""The handling model: TLP 2.0, PAP, handling codes H0-H3, audience, anonymity.

All submission constraints are checked here, so every channel gets the same rules.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from intelpool.errors import HandlingError


class TLP(enum.StrEnum):
    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber+strict"
    RED = "red"

    @property
    def rank(self) -> int:
        return _TLP_ORDER.index(self)

    @classmethod
    def parse(cls, text: str) -> TLP:
        key = text.strip().lower().removeprefix("tlp:").replace("_", "+").replace(" ", "")
        if key == "white":  # TLP 1.0 name for CLEAR
            key = "clear"
        try:
            return cls(key)
        except ValueError:
            raise HandlingError(
                f"unknown TLP label {text!r}: use clear, green, amber, amber+strict or red"
            ) from None

    def stricter(self, other: TLP) -> TLP:
        return self if self.rank >= other.rank else other


_TLP_ORDER = [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]


class PAP(enum.StrEnum):
    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def rank(self) -> int:
        return _PAP_ORDER.index(self)

    @classmethod
    def parse(cls, text: str) -> PAP:
        key = text.strip().lower().removeprefix("pap:")
        if key == "white":
            key = "clear"
        try:
            return cls(key)
        except ValueError:
            raise HandlingError(
                f"unknown PAP label {text!r}: use clear, green, amber or red"
            ) from None

    def stricter(self, other: PAP) -> PAP:
        return self if self.rank >= other.rank else other


_PAP_ORDER = [PAP.CLEAR, PAP.GREEN, PAP.AMBER, PAP.RED]


class HandlingCode(enum.StrEnum):
    """Law-enforcement handling codes; H3 carries free-text restrictions in ``h3_text``."""

    H0 = "H0"  # may be used for law-enforcement purposes
    H1 = "H1"  # not to be used as evidence in judicial proceedings without permission
    H2 = "H2"  # not to be disseminated without the originator's permission
    H3 = "H3"  # other restrictions, stated in text

    @classmethod
    def parse(cls, text: str) -> HandlingCode:
        try:
            return cls(text.strip().upper())
        except ValueError:
            raise HandlingError(
                f"unknown handling code {text!r}: use H0, H1, H2 (H3 via text)"
            ) from None


@dataclass(frozen=True, slots=True)
class Audience:
    """Who, beyond the originator, may see a contribution."""

    pool: bool = False
    organisations: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, items: list[str]) -> Audience | None:
        """``pool``, ``org:NAME``, ``group:NAME``; None when nothing was said (use the default)."""
        if not items:
            return None
        pool, orgs, groups = False, set(), set()
        for item in items:
            kind, _, name = item.partition(":")
            if item.strip().lower() == "pool":
                pool = True
            elif kind == "org" and name:
                orgs.add(name)
            elif kind == "group" and name:
                groups.add(name)
            else:
                raise HandlingError(
                    f"unknown audience {item!r}: use pool, org:NAME or group:NAME"
                )
        return cls(pool, frozenset(orgs), frozenset(groups))

    def describe(self) -> list[str]:
        out = ["pool"] if self.pool else []
        out += [f"org:{n}" for n in sorted(self.organisations)]
        out += [f"group:{n}" for n in sorted(self.groups)]
        return out or ["originator only"]


@dataclass(frozen=True, slots=True)
class Handling:
    tlp: TLP
    audience: Audience
    codes: frozenset[HandlingCode] = frozenset()
    h3_text: str | None = None
    pap: PAP = PAP.CLEAR
    anonymous: bool = False

    def fingerprint(self) -> str:
        """A stable text form, to recognise the same file resubmitted with the same handling."""
        return "|".join(
            [
                self.tlp.value,
                ",".join(self.audience.describe()),
                ",".join(sorted(c.value for c in self.codes)),
                self.h3_text or "",
                self.pap.value,
                "anon" if self.anonymous else "named",
            ]
        )

    def tightened(self, tlp: TLP | None, pap: PAP | None, codes: frozenset[str] = frozenset(),
                  h3_text: str | None = None) -> Handling:
        """This handling with a stricter marking applied, as a file's own markings demand.

        A marking never loosens the submitter's flags. From AMBER up, the pool leaves the
        audience: only the originator and its named recipients keep the data. Handling codes
        add up; a restriction (H1, H2) replaces "no restriction" (H0); H3 texts are joined.
        """
        new_tlp = self.tlp.stricter(tlp) if tlp else self.tlp
        new_pap = self.pap.stricter(pap) if pap else self.pap
        audience = self.audience
        if new_tlp.rank > self.tlp.rank and new_tlp.rank >= TLP.AMBER.rank and audience.pool:
            audience = replace(audience, pool=False)
        new_codes = self.codes | {HandlingCode.parse(c) for c in codes}
        text = self.h3_text
        if h3_text and h3_text != text:
            text = f"{text}; {h3_text}" if text else h3_text
        if text:
            new_codes |= {HandlingCode.H3}
        if new_codes & {HandlingCode.H1, HandlingCode.H2}:
            new_codes -= {HandlingCode.H0}
        return replace(self, tlp=new_tlp, pap=new_pap, audience=audience, codes=new_codes,
                       h3_text=text)


@dataclass(slots=True)
class HandlingRequest:
    """Handling as a submitter states it, before defaults and constraints apply."""

    tlp: str
    audience: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    h3_text: str | None = None
    pap: str | None = None
    anonymous: bool = False


def decide_handling(request: HandlingRequest) -> Handling:
    """Apply the defaults and constraints of the handling model, or raise HandlingError."""
    tlp = TLP.parse(request.tlp)
    audience = Audience.parse(request.audience)
    if audience is None:
        # CLEAR/GREEN go to the pool by default; AMBER and stricter stay with the originator.
        audience = Audience(pool=tlp in (TLP.CLEAR, TLP.GREEN))
    if audience.pool and tlp is TLP.RED:
        raise HandlingError("TLP:RED may not have audience pool: name the recipients (org:NAME)")
    if audience.pool and tlp is TLP.AMBER_STRICT:
        raise HandlingError(
            "TLP:AMBER+STRICT may not have audience pool: it is restricted to named organisations"
        )
    codes = frozenset(HandlingCode.parse(c) for c in request.codes)
    h3 = (request.h3_text or "").strip() or None
    if HandlingCode.H3 in codes and not h3:
        raise HandlingError("handling code H3 needs its restriction text")
    if h3:
        codes |= {HandlingCode.H3}
    if HandlingCode.H0 in codes and codes & {HandlingCode.H1, HandlingCode.H2}:
        raise HandlingError("H0 (no restriction) contradicts H1/H2: give one or the other")
    if HandlingCode.H2 in codes and tlp is TLP.CLEAR:
        raise HandlingError(
            "H2 (no dissemination without permission) contradicts TLP:CLEAR: use green or stricter"
        )
    pap = PAP.parse(request.pap) if request.pap else PAP.CLEAR
    return Handling(tlp, audience, codes, h3, pap, request.anonymous)
