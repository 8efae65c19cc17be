"""One period's contribution files per partner: its sightings plus its unrelated data.

Police and the host write one file in their format and, for selector types that format
cannot state (wallets and IBANs in STIX), a companion file: a payments sheet whose rows
name the subject each account is attributed to (``evidence.attribute``); banks write one
event or sheet, and in MISP an analysis event for the ties their analysts found; the CERT
publishes one feed-like list per selector family.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from intelpool.scenario.context import Context
from intelpool.scenario.evidence import attribute
from intelpool.scenario.model import FileSpec, Partner, Selector, Structure
from intelpool.scenario.noise import Decoy, noise_handle, sprinkle, unrelated_selectors
from intelpool.scenario.writers import carries

# Unrelated selectors per partner and period at scale 1 (12 periods), and how often a
# partner with nothing on a planted structure still submits in a period.
NOISE_PER_PERIOD = {"law-enforcement": 70, "private": 150, "host": 40, "cert": 450}
ACTIVE_WITHOUT_CASE = {"law-enforcement": 0.6, "private": 1.0, "host": 0.4, "cert": 1.0}
CERT_LISTS = (
    ("ip", frozenset({"ipv4", "cidr"}), "botnet C2, scanner and bad-netblock addresses",
     ("botnet",)),
    ("domain", frozenset({"domain"}), "malicious domains", ("botnet", "online-fraud")),
    ("url", frozenset({"url"}), "malware and phishing URLs",
     ("malware-distribution", "online-fraud")),
    ("hash", frozenset({"md5", "sha1", "sha256"}), "malware sample hashes",
     ("malware-distribution",)),
)
_THEME_WORDS = {"botnet": "botnets", "malware-distribution": "malware distribution",
                "online-fraud": "online fraud", "intrusion": "intrusions",
                "crime-as-a-service": "crime-as-a-service", "malware-testing": "crypting"}


@dataclass(frozen=True, slots=True)
class Period:
    index: int
    start: datetime
    end: datetime
    count: int  # periods in the scenario


def period_files(ctx: Context, period: Period, partners: list[Partner],
                 sightings: dict[str, list[Selector]], structures: dict[str, Structure],
                 decoys: list[Decoy], companion: str) -> Iterator[FileSpec]:
    """The files of ``period`` in submission order (roster order), without sequence numbers."""
    for index, partner in enumerate(partners):
        rng = ctx.rng("period", period.index, partner.name)
        planted = sightings.get(partner.name, [])
        if partner.kind == "cert":
            yield from _cert_lists(ctx, period, partner, index, planted, structures, decoys,
                                   rng)
            continue
        if not planted and rng.random() >= ACTIVE_WITHOUT_CASE[partner.kind]:
            continue
        noise = unrelated_selectors(ctx, partner, index, partner.kind,
                                    _noise_count(ctx, period, partner.kind, rng),
                                    period.start, period.end, rng)
        carried = carries(partner.format)
        selectors = [*planted, *noise,
                     *sprinkle(decoys, partner, carried, period.start, period.end, rng)]
        main = [s for s in selectors if carried is None or s.type in carried]
        rest = [s for s in selectors if carried is not None and s.type not in carried]
        if main:
            main, analysis = _split_ties(main) if partner.format == "misp" else (main, [])
            yield _spec(partner, partner.format, "report", main, structures, (), period, rng)
            if analysis:
                yield _spec(partner, partner.format, "analysis", analysis, structures, (),
                            period, rng)
        if rest:
            if companion == "csv":  # a sheet names whom each account is attributed to
                rest = attribute(rest, partner.name, structures,
                                 functools.partial(noise_handle, ctx, index), rng)
            yield _spec(partner, companion, "payments", rest, structures, (),
                        period, rng)


def _split_ties(selectors: list[Selector]) -> tuple[list[Selector], list[Selector]]:
    """A MISP partner's period as its monthly event, which states no links, and an analysis
    event holding the ties its analysts found (with the selectors they name): an event
    with links of its own says which case each of its lines belongs to, and a monthly
    event of many cases must not claim that."""
    named = {(t, v) for s in selectors for _, t, v in s.ties}
    if not named:
        return selectors, []
    analysis = [s for s in selectors if s.ties or (s.type, s.value) in named]
    return [replace(s, ties=()) if s.ties else s for s in selectors], analysis


def _noise_count(ctx: Context, period: Period, kind: str, rng: random.Random) -> int:
    per_period = NOISE_PER_PERIOD[kind] * ctx.scale * 12 / period.count
    return max(1, round(per_period * rng.uniform(0.6, 1.4)))


def _cert_lists(ctx: Context, period: Period, partner: Partner, index: int,
                planted: list[Selector], structures: dict[str, Structure],
                decoys: list[Decoy], rng: random.Random) -> Iterator[FileSpec]:
    for label, types, _, default_themes in CERT_LISTS:
        mix = f"cert:{label}"
        noise = unrelated_selectors(ctx, partner, index, mix,
                                    _noise_count(ctx, period, "cert", rng),
                                    period.start, period.end, rng)
        mine = [s for s in planted if s.type in types]
        selectors = [*mine, *noise, *sprinkle(decoys, partner, types, period.start,
                                              period.end, rng)]
        yield _spec(partner, partner.format, f"{label}-list", selectors, structures,
                    default_themes, period, rng)


def _spec(partner: Partner, fmt: str, label: str, selectors: list[Selector],
          structures: dict[str, Structure], default_themes: tuple[str, ...], period: Period,
          rng: random.Random) -> FileSpec:
    reported = [structures[i] for i in dict.fromkeys(s.structure for s in selectors
                                                     if s.structure)]
    themes = list(default_themes)
    if partner.kind == "private":
        themes.append("online-fraud")
    for structure in reported:
        themes += structure.themes
    themes = list(dict.fromkeys(themes))
    created = max(s.last_seen for s in selectors) + timedelta(days=rng.randint(1, 5))
    return FileSpec(0, partner, fmt, label, _title(partner, label, themes, created), tuple(themes),
                    created, selectors, reported)


def _title(partner: Partner, label: str, themes: list[str], created: datetime) -> str:
    month = created.strftime("%B %Y")
    topics = ", ".join(_THEME_WORDS.get(t, t) for t in themes) or "various cases"
    if partner.kind == "cert":
        what = next(desc for name, _, desc, _ in CERT_LISTS if f"{name}-list" == label)
        return f"Feed: {what}, {month}"
    if partner.kind == "private" and label != "analysis":
        return f"Fraud and phishing against {partner.name} customers, {month}"
    if label == "payments":
        return f"Wallets and bank accounts ({topics}), {month}"
    if label == "analysis":
        return f"Analysis: infrastructure and payment flows ({topics}), {month}"
    if partner.kind == "host":
        return f"Open-source collection ({topics}), {month}"
    return f"Case indicators ({topics}), {month}"
