"""Matching keys derived from a canonical observable (pure): what the rule joins use.

- ``ip_lo``/``ip_hi``: the address range as 32 hex digits (IPv4 mapped into IPv6), so an
  address lies in a CIDR when ``cidr.ip_lo <= ip.ip_lo <= cidr.ip_hi`` as plain text.
- ``host``: the host of a URL or the domain of an e-mail address.
- ``rev_name``: a host name's labels reversed (``com.example.www``) — of a domain, or of the
  host of a URL or e-mail address — so the names below a domain are an index range:
  ``rev_name`` between ``'com.example.'`` and ``'com.example/'``.
"""

from __future__ import annotations

import ipaddress
from typing import NamedTuple
from urllib.parse import urlsplit

_V4_MAPPED = 0xFFFF << 32


class Keys(NamedTuple):
    ip_lo: str | None = None
    ip_hi: str | None = None
    host: str | None = None
    rev_name: str | None = None


NO_KEYS = Keys()


def ip_key(address: int, version: int) -> str:
    return f"{address | _V4_MAPPED if version == 4 else address:032x}"


def reverse_name(name: str) -> str:
    return ".".join(name.split(".")[::-1])


def keys(kind: str, value: str) -> Keys:
    """The derived keys of a canonical value of type ``kind`` (NO_KEYS when none apply).

    Runs once per stored selector, so the common canonical forms take string fast paths.
    """
    if kind == "domain" or kind == "hostname":
        return Keys(rev_name=reverse_name(value))
    if kind == "ipv4":
        a, b, c, d = value.split(".")
        key = f"{(int(a) << 24 | int(b) << 16 | int(c) << 8 | int(d)) | _V4_MAPPED:032x}"
        return Keys(ip_lo=key, ip_hi=key)
    if kind == "ipv6":
        address = ipaddress.ip_address(value)
        key = ip_key(int(address), address.version)
        return Keys(ip_lo=key, ip_hi=key)
    if kind == "cidr":
        network = ipaddress.ip_network(value)
        return Keys(ip_lo=ip_key(int(network.network_address), network.version),
                    ip_hi=ip_key(int(network.broadcast_address), network.version))
    if kind == "url":
        return _url_keys(value)
    if kind == "email":
        return _host_keys(value.rpartition("@")[2])
    return NO_KEYS


def _url_keys(value: str) -> Keys:
    # Canonical URLs are scheme://[userinfo@]host[:port]/path with a lower-case host.
    netloc = value.partition("://")[2].partition("/")[0]
    if "@" in netloc:
        netloc = netloc.rpartition("@")[2]
    if netloc.startswith("["):
        host = urlsplit(f"//{netloc}").hostname
        return Keys(host=host) if host else NO_KEYS
    host = netloc.partition(":")[0]
    return _host_keys(host) if host else NO_KEYS


def _host_keys(host: str) -> Keys:
    # Checking the last character first spares most names the copy that replace() makes.
    is_address = host.startswith("[") or (host[-1].isdigit() and
                                          host.replace(".", "").isdigit())
    return Keys(None, None, host, None if is_address else reverse_name(host))
