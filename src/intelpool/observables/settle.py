"""One selector, one (type, value): types a format may state that the value decides.

Formats name types loosely: a STIX ``domain-name`` may hold an onion service, a CSV
``host`` column or a MISP ``hostname`` a registrable domain or an IP address, a STIX
``ipv4-addr`` a CIDR block. Whatever the format stated, a DNS name is a ``domain`` when it
is one (a dotted name under a public-style top-level domain) and a ``hostname`` otherwise
(a bare label, ``.onion``, ``.local`` ...); an address-like value is typed by its shape; an
IPv4 address written as IPv6 (``::ffff:192.0.2.1``) or as a one-address block
(``192.0.2.1/32``) is that IPv4 address. Only types within the same family are exchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from intelpool.observables import canonical, names
from intelpool.observables.errors import InvalidObservable
from intelpool.observables.types import ObservableType as T

_NAMES = frozenset({T.DOMAIN, T.HOSTNAME})
# An address, a block or an address with a port, typed by the value's shape; a stated
# ip-port stays one, since "2001:db8::1:443" must not silently become another address.
_ADDRESSES = frozenset({T.IPV4, T.IPV6, T.CIDR})
_MAPPED = "::ffff:"
_ADDRESS_CHARS = re.compile(r"[0-9a-f:.\[\]/]+")


def address_kind(text: str) -> str:
    """The address type an address-like ``text`` has by its shape."""
    if "/" in text:
        return T.CIDR
    if text.startswith("["):
        return T.IP_PORT if "]:" in text else T.IPV6
    if ":" in text:
        return T.IP_PORT if text.count(":") == 1 and "." in text else T.IPV6
    return T.IPV4


def _looks_like_address(text: str) -> bool:
    """An IP address, block or endpoint rather than a name ("example.com:8080" is neither)."""
    if text.replace(".", "").isdigit():
        return True
    return (text.startswith("[") or ":" in text) and _ADDRESS_CHARS.fullmatch(text) is not None


def stated_kind(kind: str, text: str) -> str:
    """The type to canonicalise ``text`` as, given the type a format stated for it."""
    if kind in _ADDRESSES:
        return address_kind(text)
    if kind in _NAMES:
        name = text.strip().rstrip(".").lower()
        if name and _looks_like_address(name):
            return address_kind(name)
        if "." not in name or name.rpartition(".")[2] in names.PRIVATE_TLDS:
            return T.HOSTNAME
    return kind


def canonicalise(kind: str, text: str,
                 canonicalisers: dict[str, Callable[[str], str]]) -> tuple[str, str]:
    """(type, canonical value) of ``text`` read as ``kind``, settled within its family."""
    value = canonicalisers[kind](text)
    if kind in _NAMES:
        return _name(kind, value)
    if kind == T.IPV6 and value.startswith(_MAPPED) and "." in value:
        return T.IPV4, value[len(_MAPPED):]
    if kind == T.IP_PORT and value.startswith("[" + _MAPPED) and "." in value:
        return T.IP_PORT, value[1 + len(_MAPPED):].replace("]:", ":", 1)
    if kind == T.CIDR:
        address, _, prefix = value.partition("/")
        if (prefix == "32" and ":" not in address) or (prefix == "128" and ":" in address):
            return canonical_address(address)
    return kind, value


def canonical_address(address: str) -> tuple[str, str]:
    """An address as its own type (an IPv4-mapped IPv6 address as IPv4)."""
    if ":" not in address:
        return T.IPV4, canonical.ipv4(address)
    value = canonical.ipv6(address)
    if value.startswith(_MAPPED) and "." in value:
        return T.IPV4, value[len(_MAPPED):]
    return T.IPV6, value


def _name(kind: str, value: str) -> tuple[str, str]:
    """A canonical DNS name as ``domain`` or ``hostname``, by the name alone."""
    last = value.rpartition(".")[2]
    if "." not in value or last in names.PRIVATE_TLDS:
        return T.HOSTNAME, value
    if kind == T.HOSTNAME:
        try:
            return T.DOMAIN, names.domain(value)
        except InvalidObservable:
            return T.HOSTNAME, value  # e.g. "svchost.exe": a host name, not a domain
    return T.DOMAIN, value
