"""Canonical forms, one function per type: the form every partner's value is compared in."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from intelpool.observables.types import ObservableType


class InvalidObservable(ValueError):
    """A value that is not a valid selector of its type; the message is the reason."""


_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_HEX = re.compile(r"^[0-9a-f]+$")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}


def ipv4(value: str) -> str:
    try:
        return str(ipaddress.IPv4Address(value))
    except ValueError:
        raise InvalidObservable(f"{value!r} is not an IPv4 address") from None


def ipv6(value: str) -> str:
    try:
        return ipaddress.IPv6Address(value.strip("[]")).compressed
    except ValueError:
        raise InvalidObservable(f"{value!r} is not an IPv6 address") from None


def cidr(value: str) -> str:
    if "/" not in value:
        raise InvalidObservable(f"{value!r} is not a CIDR block (no /prefix)")
    try:
        # Host bits are cleared: 10.1.2.3/8 denotes the block 10.0.0.0/8.
        return ipaddress.ip_network(value, strict=False).compressed
    except ValueError:
        raise InvalidObservable(f"{value!r} is not a CIDR block") from None


def domain(value: str) -> str:
    name = value.strip().rstrip(".").lower()
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            raise InvalidObservable(f"{value!r} is not a valid internationalised domain") from None
    if len(name) > 253:
        raise InvalidObservable(f"domain is longer than 253 characters: {value[:60]!r}...")
    labels = name.split(".")
    if len(labels) < 2:
        raise InvalidObservable(f"{value!r} is not a domain (needs a dot and a top-level domain)")
    for label in labels:
        if not _LABEL.match(label):
            raise InvalidObservable(f"{value!r} is not a domain (bad label {label!r})")
    if not _TLD.match(labels[-1]):
        raise InvalidObservable(f"{value!r} is not a domain (bad top-level domain {labels[-1]!r})")
    return name


def host(value: str) -> str:
    """A URL or e-mail host: a domain or an IP address (IPv6 possibly bracketed)."""
    if value.startswith("["):
        return "[" + ipv6(value) + "]"
    if value.replace(".", "").isdigit():
        return ipv4(value)
    return domain(value)


def url(value: str) -> str:
    text = value.strip()
    if "://" not in text:
        text = "http://" + text  # feeds often list URLs without a scheme
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidObservable(f"{value!r} is not a URL ({exc})") from None
    scheme = parts.scheme.lower()
    if not scheme or not parts.hostname:
        raise InvalidObservable(f"{value!r} is not a URL (no host)")
    if any(c.isspace() for c in text):
        raise InvalidObservable(f"{value!r} is not a URL (contains white space)")
    raw_host = parts.netloc.rsplit("@", 1)[-1]
    raw_host = raw_host.rsplit(":", 1)[0] if not raw_host.endswith("]") and port else raw_host
    hostname = host(raw_host if raw_host.startswith("[") else parts.hostname)
    userinfo = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    netloc = userinfo + hostname
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc += f":{port}"
    # The fragment never reaches the server, so it does not distinguish two URLs.
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def email(value: str) -> str:
    local, at, domain_part = value.strip().rpartition("@")
    if not at or not local or not domain_part:
        raise InvalidObservable(f"{value!r} is not an e-mail address")
    if any(c.isspace() or c in "<>()[],;:\"" for c in local) or len(local) > 64:
        raise InvalidObservable(f"{value!r} is not an e-mail address (bad local part)")
    return f"{local.lower()}@{host(domain_part)}"


def _hash(kind: str, length: int) -> Callable[[str], str]:
    def canonical(value: str) -> str:
        text = value.strip().lower()
        if len(text) != length or not _HEX.match(text):
            raise InvalidObservable(f"{value!r} is not an {kind} hash ({length} hex digits)")
        return text

    return canonical


CANONICALISERS: dict[str, Callable[[str], str]] = {
    ObservableType.IPV4: ipv4,
    ObservableType.IPV6: ipv6,
    ObservableType.CIDR: cidr,
    ObservableType.DOMAIN: domain,
    ObservableType.URL: url,
    ObservableType.EMAIL: email,
    ObservableType.MD5: _hash("MD5", 32),
    ObservableType.SHA1: _hash("SHA-1", 40),
    ObservableType.SHA256: _hash("SHA-256", 64),
}
