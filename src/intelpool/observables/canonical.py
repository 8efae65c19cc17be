"""Canonical forms of the IP-level network types: addresses, blocks, endpoints, AS numbers."""

from __future__ import annotations

import ipaddress
import re

from intelpool.observables.errors import InvalidObservable

__all__ = ["InvalidObservable", "asn", "cidr", "ip_port", "ipv4", "ipv6"]

# Dotted decimal without leading zeros: "010.1.1.1" is octal to some resolvers and decimal
# to others, so it does not name one address.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")
_DOTTED = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_ASN = re.compile(r"(?:ASN?[ :-]?)?([0-9]{1,10})(?:\.([0-9]{1,5}))?", re.IGNORECASE)
# RFC 7607 (AS0), RFC 7300 (last 16-bit and last 32-bit AS), RFC 6793 (AS_TRANS stands in
# for any 4-byte AS, so it names no network).
_RESERVED_ASNS = {0: "AS0 is reserved (RFC 7607)", 23456: "AS23456 is AS_TRANS (RFC 6793)",
                  65535: "AS65535 is reserved (RFC 7300)",
                  4294967295: "AS4294967295 is reserved (RFC 7300)"}


def ipv4(value: str) -> str:
    if _IPV4.fullmatch(value):
        return value
    if _DOTTED.fullmatch(value):
        if any(len(octet) > 1 and octet[0] == "0" for octet in value.split(".")):
            raise InvalidObservable(f"{value!r} is not an IPv4 address (leading zeros are read "
                                    "as octal by some software and as decimal by others)")
        raise InvalidObservable(f"{value!r} is not an IPv4 address (a part is above 255)")
    raise InvalidObservable(f"{value!r} is not an IPv4 address")


def ipv6(value: str) -> str:
    text = value[1:-1] if value.startswith("[") and value.endswith("]") else value
    if "%" in text:
        raise InvalidObservable(f"{value!r}: a zone index (%...) is local to one host; drop it")
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        raise InvalidObservable(f"{value!r} is not an IPv6 address") from None
    mapped = address.ipv4_mapped
    if mapped is not None:
        # Spelled out because Python versions print IPv4-mapped addresses differently.
        return f"::ffff:{mapped}"
    return address.compressed


def cidr(value: str) -> str:
    if "/" not in value:
        raise InvalidObservable(f"{value!r} is not a CIDR block (no /prefix)")
    try:
        # Host bits are cleared: 10.1.2.3/8 denotes the block 10.0.0.0/8.
        return ipaddress.ip_network(value, strict=False).compressed
    except ValueError:
        raise InvalidObservable(f"{value!r} is not a CIDR block") from None


def port(text: str, value: str) -> int:
    """A TCP/UDP port 1-65535 (``value`` is the whole input, for the reason)."""
    if not (text.isdigit() and text.isascii()) or not 0 < int(text) < 65536:
        raise InvalidObservable(f"{value!r}: port {text!r} is not a number from 1 to 65535")
    return int(text)


def ip_port(value: str) -> str:
    """``1.2.3.4:443`` or ``[2001:db8::1]:443``; an IPv6 address needs its brackets."""
    text = value.strip()
    if text.startswith("["):
        address, sep, number = text[1:].partition("]:")
        if not sep:
            raise InvalidObservable(f"{value!r} is not an address with a port ([IPv6]:port)")
        return f"[{ipv6(address)}]:{port(number, value)}"
    address, sep, number = text.rpartition(":")
    if not sep:
        raise InvalidObservable(f"{value!r} has no port (address:port)")
    if ":" in address:
        raise InvalidObservable(
            f"{value!r}: an IPv6 address with a port needs brackets, e.g. [2001:db8::1]:443")
    return f"{ipv4(address)}:{port(number, value)}"


def asn(value: str) -> str:
    """``AS64500``; also ``as64500``, ``ASN 64500``, ``64500`` and asdot ``AS1.10``.

    Private and documentation ASNs are accepted (they occur in leaked and internal data);
    AS0, AS_TRANS and the two last-of-range numbers are refused: none names a network.
    """
    match = _ASN.fullmatch(value.strip())
    if match is None:
        raise InvalidObservable(f"{value!r} is not an AS number (e.g. AS64500)")
    high, low = match.groups()
    if low is not None:  # asdot notation (RFC 5396): high.low = high * 65536 + low
        if int(high) > 65535 or int(low) > 65535:
            raise InvalidObservable(f"{value!r} is not an asdot AS number (each part <= 65535)")
        number = int(high) * 65536 + int(low)
    else:
        number = int(high)
    if number > 4294967295:
        raise InvalidObservable(f"{value!r} is not an AS number (larger than 32 bits)")
    reserved = _RESERVED_ASNS.get(number)
    if reserved is not None:
        raise InvalidObservable(f"{value!r}: {reserved} and names no network")
    return f"AS{number}"
