"""From a raw selector (possibly defanged, possibly typed) to (type, canonical value)."""

from __future__ import annotations

from intelpool.observables.detect import detect
from intelpool.observables.errors import InvalidObservable
from intelpool.observables.finance import mask_card_numbers
from intelpool.observables.refang import refang
from intelpool.observables.registry import CANONICALISERS
from intelpool.observables.settle import canonicalise, stated_kind
from intelpool.observables.types import ObservableType

__all__ = ["MAX_SELECTOR_BYTES", "InvalidObservable", "parse_selector", "search_candidates"]

# The longest canonical value the pool stores. PostgreSQL cannot index (type, value) rows of
# more than about 2.7 kB, and one such row would abort a whole contribution's ingest.
MAX_SELECTOR_BYTES = 2048
_MAX_INPUT = 65536
_MAX_REASON = 500
_TYPES = {str(kind): str(kind) for kind in CANONICALISERS}
# Taken literally: "[.]" or "(at)" inside a file name or user agent is part of the value.
_LITERAL = frozenset({ObservableType.FILENAME, ObservableType.MUTEX,
                      ObservableType.USER_AGENT})
# Types whose canonical values share another type's shape (a JA3 is an MD5, a certificate
# fingerprint a SHA-1 or SHA-256) or have a checked shape detection does not claim (a bare
# host label, a BIC, a card BIN): an untyped search also looks for the value as each of
# them. File names without a known extension, mutexes and user agents are free text: any
# word would be one, so they are searched by naming their type.
_SHAPELESS = (ObservableType.HOSTNAME, ObservableType.JA3, ObservableType.X509_FINGERPRINT,
              ObservableType.BIC, ObservableType.CARD_BIN)
FREE_TEXT_TYPES = _LITERAL


def _redacted(exc: InvalidObservable, value: str) -> InvalidObservable:
    """``exc`` with any payment card number in its reason or in the input masked, and its
    reason cut to a readable length (reasons quote the value, which may be a long line)."""
    reason = mask_card_numbers(str(exc))
    if len(reason) > _MAX_REASON:
        reason = reason[:_MAX_REASON] + "..."
    if exc.shown_value is not None:
        return InvalidObservable(reason, shown_value=exc.shown_value)
    shown = mask_card_numbers(value)
    if reason == str(exc) and shown == value:
        return exc
    return InvalidObservable(reason, shown_value=shown)


def parse_selector(value: str, type_hint: str | None = None) -> tuple[str, str]:
    """Refang, detect the type unless given, and canonicalise; raises InvalidObservable.

    When the raised error carries ``shown_value``, record that instead of ``value``.
    """
    if len(value) > _MAX_INPUT:
        raise InvalidObservable(f"value is longer than {_MAX_INPUT} characters")
    kind: str | None
    if type_hint is None:
        text = refang(value)
        detected = detect(text) if text else None
        kind = None if detected is None else str(detected)
    else:
        kind = _TYPES.get(type_hint) or _TYPES.get(type_hint.strip().lower())
        if kind is None:
            raise InvalidObservable(f"unknown observable type {type_hint!r}")
        text = value.strip() if kind in _LITERAL else refang(value)
        kind = stated_kind(kind, text)
    if not text:
        raise InvalidObservable("empty value")
    try:
        if kind is None:
            shown = mask_card_numbers(value)[:200]  # masked first: a cut PAN escapes the mask
            raise InvalidObservable(f"{shown!r} is not a selector of any known type")
        settled, canonical = canonicalise(kind, text, CANONICALISERS)
        kind = str(settled)
        if not canonical.isprintable() and any(ord(c) < 32 or ord(c) == 127 for c in canonical):
            # No selector holds control characters, and PostgreSQL cannot store NUL at all.
            raise InvalidObservable(f"{kind} contains control characters")
        if len(canonical) > MAX_SELECTOR_BYTES // 4 and len(
                canonical.encode("utf-8")) > MAX_SELECTOR_BYTES:
            raise InvalidObservable(
                f"{kind} is longer than {MAX_SELECTOR_BYTES} bytes, the longest selector the "
                f"pool stores: {canonical[:80]!r}...")
    except InvalidObservable as exc:
        raise _redacted(exc, value) from None
    return kind, canonical


def search_candidates(value: str) -> list[tuple[str, str]]:
    """Every (type, canonical value) an untyped ``value`` may denote: the detected one first,
    then its reading as each type detection cannot tell by shape. Raises the detection's
    InvalidObservable when there is none."""
    found: list[tuple[str, str]] = []
    error: InvalidObservable | None = None
    try:
        found.append(parse_selector(value))
    except InvalidObservable as exc:
        error = exc
    for kind in _SHAPELESS:
        try:
            candidate = parse_selector(value, kind)
        except InvalidObservable:
            continue
        if candidate not in found:
            found.append(candidate)
    if not found and error is not None:
        raise error
    return found
