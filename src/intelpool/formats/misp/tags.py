"""MISP tags: handling markings, evaluation, themes, galaxy clusters and intelpool's own tags.

Tags are MISP machine tags ``namespace:predicate="value"``. What intelpool understands
becomes a marking, an evaluation, a theme, a galaxy reference or a role; the rest is kept as
plain tags. intelpool writes its own facts under the ``intelpool`` namespace:
``intelpool:handling="H2"`` and ``intelpool:h3="..."`` (read into the marking, like tlp and
PAP), ``intelpool:theme="botnet"``, ``intelpool:role="c2"``, ``intelpool:type="eth-wallet"``
(an observable MISP has no type for), ``intelpool:misp-type="ip-src"`` (the MISP type an
observable came with), and the 4x4 evaluation as ``intelpool:evaluation-scheme="4x4"`` with
``intelpool:source-reliability`` and ``intelpool:information-credibility`` (admiralty-scale
tags would misstate 4x4 codes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from intelpool.access.handling import PAP, TLP, HandlingCode
from intelpool.errors import HandlingError
from intelpool.formats.export_records import ExportHandling
from intelpool.formats.misp.themes_map import EXPORT_TAG, theme_of
from intelpool.formats.records import Marking
from intelpool.pool.themes import Theme

NS = "intelpool"
_ADMIRALTY = ("ABCDEF", "123456")
_FOUR_BY_FOUR = ("ABCX", "1234")


def split_tag(name: str) -> tuple[str, str, str | None]:
    """(namespace, predicate, value) of a machine tag; a plain tag has an empty namespace."""
    namespace, colon, rest = name.partition(":")
    if not colon:
        return "", name, None
    predicate, eq, value = rest.partition("=")
    if not eq:
        return namespace.strip(), rest.strip(), None
    return namespace.strip(), predicate.strip(), value.strip().strip('"')


def machine_tag(namespace: str, predicate: str, value: str | None = None) -> str:
    if value is None:
        return f"{namespace}:{predicate}"
    return f'{namespace}:{predicate}="{value.replace(chr(34), chr(39))}"'


@dataclass(slots=True)
class TagInfo:
    """What a list of tags says; ``problems`` are (index, tag, reason) for unusable ones."""

    marking: Marking | None = None
    themes: list[str] = field(default_factory=list)
    evaluation: tuple[str, str | None, str | None] | None = None
    galaxies: list[tuple[str, str, str]] = field(default_factory=list)  # (type, value, tag)
    role: str | None = None
    type: str | None = None
    misp_type: str | None = None
    kept: list[str] = field(default_factory=list)
    # Kept tags that say nothing the pool stores otherwise (no theme either): an event's
    # such tags are kept with its contribution.
    other: list[str] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)


@lru_cache(maxsize=4096)
def read_tags(names: tuple[str, ...]) -> TagInfo:
    """What the tags say; cached, as many attributes carry the same tags (do not modify)."""
    info = TagInfo()
    evaluation: dict[str, str] = {}
    for index, name in enumerate(names):
        namespace, predicate, value = split_tag(name)
        ns = namespace.lower()
        try:
            if ns == "tlp" and value is None and predicate.lower() not in ("ex:chr", "unclear"):
                info.marking = stricter(info.marking, Marking(tlp=TLP.parse(predicate)))
            elif ns == "pap" and value is None:
                info.marking = stricter(info.marking, Marking(pap=PAP.parse(predicate)))
            elif ns == "misp-galaxy" and value:
                info.galaxies.append((predicate, value, name))
            elif ns in ("admiralty-scale", NS) and predicate in (
                    "source-reliability", "information-credibility", "evaluation-scheme"):
                evaluation.setdefault(f"{ns}:{predicate}", (value or "").strip())
            elif ns == NS and predicate == "handling" and value:
                code = HandlingCode.parse(value).value
                info.marking = stricter(info.marking, Marking(codes=frozenset({code})))
            elif ns == NS and predicate == "h3" and value:
                info.marking = stricter(info.marking, Marking(codes=frozenset({"H3"}),
                                                              h3_text=value))
            elif ns == NS and predicate in ("role", "type", "misp-type", "theme") and value:
                _intelpool_tag(info, predicate, value, name)
            else:
                theme = theme_of(ns, predicate.lower(), value.lower() if value else None)
                if theme is None:
                    info.other.append(name)
                elif theme.value not in info.themes:
                    info.themes.append(theme.value)
                info.kept.append(name)
        except (HandlingError, ValueError) as exc:
            info.problems.append((index, name, str(exc)))
    info.evaluation = _evaluation(evaluation, names, info.problems)
    return info


def _intelpool_tag(info: TagInfo, predicate: str, value: str, name: str) -> None:
    if predicate == "theme":
        theme = Theme(value.lower()).value  # ValueError names the unknown theme
        if theme not in info.themes:
            info.themes.append(theme)
        info.kept.append(name)
    elif predicate == "role":
        info.role = value
    elif predicate == "type":
        info.type = value
    else:
        info.misp_type = value


def _evaluation(found: dict[str, str], names: tuple[str, ...],
                problems: list[tuple[int, str, str]]) -> tuple[str, str | None, str | None] | None:
    """Evaluation codes, checked against their scheme (a bad code would fail the submission)."""
    if found.get(f"{NS}:evaluation-scheme", "").lower() == "4x4":
        scheme, prefix, (rel_codes, cred_codes) = "4x4", NS, _FOUR_BY_FOUR
    else:
        scheme, prefix, (rel_codes, cred_codes) = "admiralty", "admiralty-scale", _ADMIRALTY
    rel = found.get(f"{prefix}:source-reliability", "").upper() or None
    cred = found.get(f"{prefix}:information-credibility", "") or None
    if rel is not None and rel not in rel_codes:
        problems.append((_index(names, "source-reliability"), f"{prefix}:source-reliability",
                         f"source reliability {rel!r} has no {scheme} code in intelpool"))
        rel = None
    if cred is not None and cred not in cred_codes:
        problems.append((_index(names, "information-credibility"),
                         f"{prefix}:information-credibility",
                         f"information credibility {cred!r} has no {scheme} code in intelpool"))
        cred = None
    return (scheme, rel, cred) if rel or cred else None


def _index(names: tuple[str, ...], predicate: str) -> int:
    return next((i for i, n in enumerate(names) if f":{predicate}" in n), 0)


def stricter(a: Marking | None, b: Marking | None) -> Marking | None:
    """The marking holding the stricter TLP and PAP of both, and the codes of both."""
    if a is None or b is None:
        return a or b
    tlp = a.tlp.stricter(b.tlp) if a.tlp and b.tlp else a.tlp or b.tlp
    pap = a.pap.stricter(b.pap) if a.pap and b.pap else a.pap or b.pap
    texts = [t for t in dict.fromkeys((a.h3_text, b.h3_text)) if t]
    return Marking(tlp, pap, a.codes | b.codes, "; ".join(texts) or None)


def loosest(markings: list[Marking | None]) -> Marking | None:
    """What every one of ``markings`` states at least (None where one states nothing)."""
    tlps = [m.tlp for m in markings if m is not None and m.tlp is not None]
    paps = [m.pap for m in markings if m is not None and m.pap is not None]
    tlp = min(tlps, key=lambda t: t.rank) if tlps and len(tlps) == len(markings) else None
    pap = min(paps, key=lambda p: p.rank) if paps and len(paps) == len(markings) else None
    codes = frozenset.intersection(*(m.codes if m else frozenset() for m in markings)) \
        if markings else frozenset()
    texts = {m.h3_text if m else None for m in markings}
    h3_text = texts.pop() if len(texts) == 1 and "H3" in codes else None
    found = Marking(tlp, pap, codes, h3_text)
    return found if found != Marking() else None


def handling_tags(handling: ExportHandling) -> list[str]:
    """Event tags carrying a contribution's handling, evaluation and themes."""
    tags = [f"tlp:{handling.tlp}", f"PAP:{handling.pap.upper()}"]
    tags += [machine_tag(NS, "handling", code) for code in handling.codes]
    if handling.h3_text:
        tags.append(machine_tag(NS, "h3", handling.h3_text))
    if handling.eval_scheme:
        tags += _evaluation_tags(handling.eval_scheme, handling.reliability,
                                 handling.credibility)
    for theme in handling.themes:
        tags.append(machine_tag(NS, "theme", theme))
        europol = EXPORT_TAG.get(Theme(theme))
        if europol:
            tags.append(europol)
    return tags


def _evaluation_tags(scheme: str, reliability: str | None, credibility: str | None) -> list[str]:
    if scheme == "admiralty":  # the admiralty-scale taxonomy writes reliability in lower case
        prefix, tags, rel = "admiralty-scale", [], (reliability or "").lower()
    else:
        prefix, tags = NS, [machine_tag(NS, "evaluation-scheme", scheme)]
        rel = reliability or ""
    if rel:
        tags.append(machine_tag(prefix, "source-reliability", rel))
    if credibility:
        tags.append(machine_tag(prefix, "information-credibility", credibility))
    return tags
