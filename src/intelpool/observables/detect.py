"""Guess the type of an untyped selector from its shape (cheap checks first)."""

from __future__ import annotations

import re

from intelpool.observables.types import ObservableType

_HEX = re.compile(r"^[0-9a-fA-F]+$")
_HASH_LENGTHS = {32: ObservableType.MD5, 40: ObservableType.SHA1, 64: ObservableType.SHA256}
_IPV4ISH = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_CIDRISH = re.compile(r"^[0-9a-fA-F:.]+/\d{1,3}$")


def detect(text: str) -> str | None:
    """The most likely type of ``text`` (already refanged), or None when nothing fits."""
    if "://" in text:
        return ObservableType.URL
    if _CIDRISH.match(text):
        return ObservableType.CIDR
    if "/" in text:
        return ObservableType.URL  # host/path without a scheme
    if "@" in text:
        return ObservableType.EMAIL
    if _IPV4ISH.match(text):
        return ObservableType.IPV4
    bare = text.strip("[]")
    if ":" in bare and _HEX.match(bare.replace(":", "").replace(".", "") or "x"):
        return ObservableType.IPV6
    kind = _HASH_LENGTHS.get(len(text))
    if kind is not None and _HEX.match(text):
        return kind
    if "." in text and " " not in text:
        return ObservableType.DOMAIN
    return None
