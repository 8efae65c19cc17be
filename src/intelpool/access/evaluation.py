"""Source and information evaluation, kept in the scheme the partner used."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from intelpool.errors import InvalidInput


class Scheme(enum.StrEnum):
    ADMIRALTY = "admiralty"  # 6x6: reliability A-F, credibility 1-6
    FOUR_BY_FOUR = "4x4"  # Europol 4x4: reliability A, B, C, X; credibility 1-4


_CODES: dict[Scheme, tuple[str, str]] = {
    Scheme.ADMIRALTY: ("ABCDEF", "123456"),
    Scheme.FOUR_BY_FOUR: ("ABCX", "1234"),
}

# Reliability as a 0..1 weight per scheme, for scoring (A best). The schemes' own words differ
# (4x4 "X" = cannot be judged; admiralty "F" = reliability cannot be judged).
RELIABILITY_WEIGHT: dict[Scheme, dict[str, float]] = {
    Scheme.ADMIRALTY: {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.4, "E": 0.2, "F": 0.5},
    Scheme.FOUR_BY_FOUR: {"A": 1.0, "B": 0.75, "C": 0.5, "X": 0.4},
}
CREDIBILITY_WEIGHT: dict[Scheme, dict[str, float]] = {
    Scheme.ADMIRALTY: {"1": 1.0, "2": 0.8, "3": 0.6, "4": 0.4, "5": 0.1, "6": 0.5},
    Scheme.FOUR_BY_FOUR: {"1": 1.0, "2": 0.75, "3": 0.5, "4": 0.3},
}


@dataclass(frozen=True, slots=True)
class Evaluation:
    scheme: Scheme
    reliability: str | None
    credibility: str | None

    def label(self) -> str:
        return f"{self.scheme.value} {self.reliability or '-'}{self.credibility or '-'}"


def parse_scheme(text: str) -> Scheme:
    key = text.strip().lower().replace(" ", "")
    aliases = {"admiralty": Scheme.ADMIRALTY, "6x6": Scheme.ADMIRALTY, "nato": Scheme.ADMIRALTY,
               "4x4": Scheme.FOUR_BY_FOUR, "europol": Scheme.FOUR_BY_FOUR}
    if key not in aliases:
        raise InvalidInput(f"unknown evaluation scheme {text!r}: use admiralty (6x6) or 4x4")
    return aliases[key]


def decide_evaluation(
    reliability: str | None,
    credibility: str | None,
    scheme: Scheme | None,
    default_scheme: Scheme,
) -> Evaluation | None:
    """Validate the codes in their scheme; infer it when only one scheme fits the codes."""
    rel = reliability.strip().upper() if reliability else None
    cred = credibility.strip() if credibility else None
    if rel is None and cred is None:
        return None
    if scheme is None:
        fitting = [s for s in Scheme if _fits(s, rel, cred)]
        scheme = default_scheme if default_scheme in fitting or not fitting else fitting[0]
    rel_codes, cred_codes = _CODES[scheme]
    if rel is not None and (len(rel) != 1 or rel not in rel_codes):
        raise InvalidInput(
            f"source reliability {rel!r} is not a {scheme.value} code ({', '.join(rel_codes)})"
        )
    if cred is not None and (len(cred) != 1 or cred not in cred_codes):
        raise InvalidInput(
            f"information credibility {cred!r} is not a {scheme.value} code "
            f"({', '.join(cred_codes)})"
        )
    return Evaluation(scheme, rel, cred)


def _fits(scheme: Scheme, rel: str | None, cred: str | None) -> bool:
    rel_codes, cred_codes = _CODES[scheme]
    return (rel is None or (len(rel) == 1 and rel in rel_codes)) and (
        cred is None or (len(cred) == 1 and cred in cred_codes)
    )
