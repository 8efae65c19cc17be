"""From a raw selector (possibly defanged, possibly typed) to (type, canonical value)."""

from __future__ import annotations

from intelpool.observables.canonical import CANONICALISERS, InvalidObservable
from intelpool.observables.detect import detect
from intelpool.observables.refang import refang

__all__ = ["InvalidObservable", "parse_selector"]


def parse_selector(value: str, type_hint: str | None = None) -> tuple[str, str]:
    """Refang, detect the type unless given, and canonicalise; raises InvalidObservable."""
    text = refang(value)
    if not text:
        raise InvalidObservable("empty value")
    kind = type_hint or detect(text)
    if kind is None:
        raise InvalidObservable(f"{value[:200]!r} is not a selector of any known type")
    canonicalise = CANONICALISERS.get(kind)
    if canonicalise is None:
        raise InvalidObservable(f"unknown observable type {kind!r}")
    return str(kind), canonicalise(text)
