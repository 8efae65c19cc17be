"""Canonical forms of URLs and e-mail addresses, and of the host inside them."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from intelpool.observables.canonical import ipv4, ipv6
from intelpool.observables.errors import InvalidObservable
from intelpool.observables.names import domain, hostname

_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}
# The common shape (scheme://host[:port][/path?query#fragment], printable ASCII, no user
# info, no IPv6) is split by one regex; everything else goes through urlsplit.
_SIMPLE_URL = re.compile(
    r"([A-Za-z][A-Za-z0-9+.-]*)://([A-Za-z0-9._-]+)(?::([0-9]{1,5}))?([/?#][!-~]*)?")
# A URL already in canonical form with a plain domain as its host: lower-case scheme and
# host, no port, user info, fragment or escapes, a path. Feeds are mostly such URLs; they are
# returned as they are, which is what the full canonicaliser would make of them.
_CANONICAL_URL = re.compile(
    r"(?:https?|ftp)://((?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z]{2,63})"
    r"/[!-\"$&-~]*")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_LOCAL_PART = re.compile(r"[^\s<>()\[\],;:\"@\\]+")


def _host_in(kind: str, raw_host: str, value: str, *, any_hostname: bool = False) -> str:
    """``host`` for the host part of a URL or e-mail, with the whole value in the reason."""
    try:
        return host(raw_host, any_hostname=any_hostname)
    except InvalidObservable as exc:
        raise InvalidObservable(f"{value!r} is not {kind}: {exc}") from None


def host(value: str, *, any_hostname: bool = False) -> str:
    """A URL or e-mail host: an IP address (IPv6 bracketed) or a domain; with
    ``any_hostname`` also a single label or a name under a non-public top-level domain."""
    if value.startswith("["):
        return "[" + ipv6(value) + "]"
    if value.replace(".", "").isdigit():
        return ipv4(value)
    return hostname(value) if any_hostname else domain(value)


def _percent(match: re.Match[str]) -> str:
    # RFC 3986 6.2.2: escapes of unreserved characters are decoded, the rest upper-cased.
    byte = int(match.group(1), 16)
    return chr(byte) if byte in _UNRESERVED else "%" + match.group(1).upper()


def _tail(path: str, query: str) -> str:
    """Path and query in canonical form: an empty path is "/", an empty query is dropped,
    non-ASCII characters are percent-encoded as UTF-8 (as browsers send them)."""
    tail = (path or "/") + ("?" + query if query else "")
    if "%" in tail:
        tail = _PERCENT.sub(_percent, tail)
    if not tail.isascii():
        tail = _NON_ASCII.sub(lambda m: quote(m.group(), safe=""), tail)
    return tail


def _netloc(scheme: str, hostpart: str, port: int | None, value: str) -> str:
    if port is None or _DEFAULT_PORTS.get(scheme) == port:
        return hostpart
    if not 0 < port < 65536:
        raise InvalidObservable(f"{value!r} is not a URL (port {port} is outside 1-65535)")
    return f"{hostpart}:{port}"


def url(value: str) -> str:
    """A URL: scheme and host lower-cased, default port and fragment dropped, empty path "/".

    A value without a scheme is read as http and must then name a domain or an IP address
    (so that "n/a" or "TCP/IP" is not taken for a URL); with a scheme any host name goes.
    """
    text = value.strip()
    canonical = _CANONICAL_URL.fullmatch(text)
    if (canonical is not None and len(canonical.group(1)) <= 253 and text[-1] != "?"
            and not canonical.group(1).endswith(".onion")):
        return text
    return _canonical_url(text, value)


def _canonical_url(text: str, value: str) -> str:
    explicit = "://" in text
    if not explicit:
        text = "http://" + text  # feeds often list URLs without a scheme
    simple = _SIMPLE_URL.fullmatch(text)
    if simple is not None:
        scheme, raw_host, port_text, rest = simple.groups()
        scheme = scheme.lower()
        path, _, query = (rest or "").partition("#")[0].partition("?")
        hostpart = _host_in("a URL", raw_host, value, any_hostname=explicit)
        port = int(port_text) if port_text else None
        return f"{scheme}://{_netloc(scheme, hostpart, port, value)}{_tail(path, query)}"
    return _general_url(text, explicit, value)


def _general_url(text: str, explicit: bool, value: str) -> str:
    if any(c.isspace() for c in text):
        raise InvalidObservable(f"{value!r} is not a URL (contains white space)")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidObservable(f"{value!r} is not a URL ({exc})") from None
    scheme = parts.scheme.lower()
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if hostport.startswith("["):
        raw_host = hostport[: hostport.find("]") + 1]
    else:
        raw_host = hostport.rpartition(":")[0] if ":" in hostport else hostport
    if not scheme or not raw_host:
        raise InvalidObservable(f"{value!r} is not a URL (no host)")
    hostpart = _host_in("a URL", raw_host, value, any_hostname=explicit)
    netloc = userinfo + at + _netloc(scheme, hostpart, port, value)
    return f"{scheme}://{netloc}{_tail(parts.path, parts.query)}"


def email(value: str) -> str:
    """An e-mail address, lower-cased (mail systems treat local parts case-insensitively in
    practice); ``mailto:`` and surrounding angle brackets are dropped."""
    text = value.strip()
    if text[:7].lower() == "mailto:":
        text = text[7:].partition("?")[0]
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    local, at, domain_part = text.rpartition("@")
    if not at or not local or not domain_part:
        raise InvalidObservable(f"{value!r} is not an e-mail address (needs local@domain)")
    if len(local) > 64 or not _LOCAL_PART.fullmatch(local):
        raise InvalidObservable(f"{value!r} is not an e-mail address (bad local part)")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise InvalidObservable(
            f"{value!r} is not an e-mail address (dot at the start or end of the local part, "
            "or two dots in a row)")
    if domain_part.startswith("[") and domain_part.endswith("]"):
        literal = domain_part[1:-1]  # an address literal: [192.0.2.1] or [IPv6:2001:db8::1]
        if literal[:5].lower() == "ipv6:":
            hostpart = "[" + ipv6(literal[5:]) + "]"
        elif ":" in literal:
            hostpart = "[" + ipv6(literal) + "]"
        else:
            hostpart = "[" + ipv4(literal) + "]"
    else:
        hostpart = _host_in("an e-mail address", domain_part, value)
    address = f"{local.lower()}@{hostpart}"
    if len(address) > 254:
        raise InvalidObservable(f"e-mail address is longer than 254 characters: {value[:60]!r}")
    return address
