"""Which STIX object properties name intelpool selectors, both ways.

Reading: a pattern's comparisons or a cyber-observable object give (type, value) pairs; what
cannot be read comes back with the reason. Writing: a (type, value) becomes a pattern that
reading turns back into the same pair. Types STIX has no object for are written as
``x-intelpool-<type>:value``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from intelpool.formats.stix.patterns import (
    Comparison,
    Junction,
    ObservationJunction,
    ObservationNode,
    Qualified,
    quote,
)
from intelpool.observables.types import ObservableType as T

CUSTOM_PREFIX = "x-intelpool-"
_KNOWN_TYPES = frozenset(t.value for t in T)
# Hash algorithm names as STIX 2.0/2.1 spell them, upper-cased without "-" or "_".
_FILE_HASHES = {"MD5": T.MD5, "SHA1": T.SHA1, "SHA256": T.SHA256, "SHA512": T.SHA512,
                "SSDEEP": T.SSDEEP, "TLSH": T.TLSH}
_HASH_SPELLING = {T.MD5: "MD5", T.SHA1: "SHA-1", T.SHA256: "SHA-256", T.SHA512: "SHA-512",
                  T.SSDEEP: "SSDEEP", T.TLSH: "TLSH"}
_CERT_HASHES = {"SHA1": T.X509_FINGERPRINT, "SHA256": T.X509_FINGERPRINT}
_VALUE_TYPES = {"domain-name": T.DOMAIN, "url": T.URL, "email-addr": T.EMAIL}
_NAME_TYPES = {"mutex": T.MUTEX, "file": T.FILENAME}
_USER_AGENT_PATH = ("extensions", "http-request-ext", "request_header", "User-Agent")
_EMAIL_SENDERS = {("from_ref", "value"), ("sender_ref", "value")}
_IGNORED = "names no selector on its own"

Selector = tuple[str, str]


@dataclass(slots=True)
class Extraction:
    found: list[Selector] = field(default_factory=list)
    unread: list[tuple[str, str]] = field(default_factory=list)  # (comparison text, reason)


def hash_type(name: str, table: dict[str, T] = _FILE_HASHES) -> T | None:
    return table.get(name.upper().replace("-", "").replace("_", ""))


def address_type(value: str) -> str:
    if "/" in value:
        return T.CIDR
    return T.IPV6 if ":" in value else T.IPV4


def extract(tree: ObservationNode) -> Extraction:
    """The selectors a pattern names by simple comparisons, and what it names otherwise."""
    out = Extraction()
    _walk_observation(tree, None, out)
    return out


def _walk_observation(node: ObservationNode, blocked: str | None, out: Extraction) -> None:
    if isinstance(node, Qualified):
        reason = blocked or f"qualifier {node.qualifier!r} makes it more than a simple comparison"
        _walk_observation(node.expression, reason, out)
    elif isinstance(node, ObservationJunction):
        if node.operator == "FOLLOWEDBY" and blocked is None:
            blocked = "observations joined by FOLLOWEDBY are a sequence, not simple comparisons"
        for item in node.items:
            _walk_observation(item, blocked, out)
    else:
        _walk_comparisons(node.expression, blocked, out)


def _walk_comparisons(node: Comparison | Junction, blocked: str | None, out: Extraction) -> None:
    if isinstance(node, Comparison):
        _read(node, blocked, out)
        return
    rest: list[Comparison | Junction] = list(node.items)
    if node.operator == "AND" and blocked is None:
        rest = _composites(rest, out)
    for item in rest:
        _walk_comparisons(item, blocked, out)


def _equal(node: Comparison, object_type: str, path: tuple[str | int, ...]) -> bool:
    return (node.object_type == object_type and node.path == path and node.operator == "="
            and not node.negated)


def _composites(items: list[Comparison | Junction], out: Extraction) -> list[Comparison | Junction]:
    """Selectors made of two comparisons ANDed in one observation: IP:port and handles."""
    flat = [i for i in items if isinstance(i, Comparison)]
    address = next((c for c in flat if _equal(c, "network-traffic", ("dst_ref", "value"))), None)
    port = next((c for c in flat if _equal(c, "network-traffic", ("dst_port",))), None)
    used: list[Comparison] = []
    if address is not None:
        # The address's type only says how to read the address.
        used += [c for c in flat if _equal(c, "network-traffic", ("dst_ref", "type"))]
    if address is not None and port is not None and isinstance(port.value, int):
        host = str(address.value)
        out.found.append((T.IP_PORT, f"[{host}]:{port.value}" if ":" in host
                          else f"{host}:{port.value}"))
        used += [address, port]
    platform = next((c for c in flat if _equal(c, "user-account", ("account_type",))), None)
    login = next((c for c in flat if c.object_type == "user-account" and c.operator == "="
                  and c.path in (("account_login",), ("user_id",)) and not c.negated), None)
    if platform is not None and login is not None:
        out.found.append((T.HANDLE, f"{platform.value}:{login.value}"))
        used += [platform, login]
    return [i for i in items if not any(i is u for u in used)]


def _read(node: Comparison, blocked: str | None, out: Extraction) -> None:
    if blocked is not None:
        out.unread.append((node.text, blocked))
        return
    if node.negated or node.operator not in ("=", "IN", "ISSUBSET"):
        operator = f"NOT {node.operator}" if node.negated else node.operator
        out.unread.append((node.text, f"operator {operator} is not a simple equality"))
        return
    kind = _path_type(node.object_type, node.path)
    if kind is None or kind == _IGNORED:
        reason = _IGNORED if kind == _IGNORED else "object path is not one intelpool reads"
        path = ".".join(str(p) for p in node.path)
        out.unread.append((node.text, f"{node.object_type}:{path} {reason}"))
        return
    if node.operator == "ISSUBSET" and kind != "address":
        out.unread.append((node.text, "ISSUBSET only names a selector for an address block"))
        return
    values = node.value if isinstance(node.value, tuple) else (node.value,)
    for value in values:
        if not isinstance(value, str | int) or isinstance(value, bool):
            out.unread.append((node.text, "the compared value is not a string or a number"))
            continue
        text = str(value)
        if kind == "address":
            out.found.append((address_type(text), text))
        elif kind == T.ASN:
            out.found.append((T.ASN, f"AS{text}"))
        else:
            out.found.append((kind, text))


def _path_type(object_type: str, path: tuple[str | int, ...]) -> str | None:
    """The selector type a comparison on ``object_type:path`` names ("address": v4/v6/CIDR)."""
    first = path[0]
    if object_type in ("ipv4-addr", "ipv6-addr") and path == ("value",):
        return "address"
    if object_type in _VALUE_TYPES and path == ("value",):
        return _VALUE_TYPES[object_type]
    if object_type in _NAME_TYPES and path == ("name",):
        return _NAME_TYPES[object_type]
    if object_type in ("file", "artifact") and first == "hashes" and len(path) == 2:
        return hash_type(str(path[1]))
    if object_type == "x509-certificate" and first == "hashes" and len(path) == 2:
        return hash_type(str(path[1]), _CERT_HASHES)
    if object_type == "autonomous-system" and path == ("number",):
        return T.ASN
    if object_type == "email-message" and path in _EMAIL_SENDERS:
        return T.EMAIL
    if object_type == "network-traffic":
        if path in (("dst_ref", "value"), ("src_ref", "value")):
            return "address"
        if path == _USER_AGENT_PATH:
            return T.USER_AGENT
        if path in (("dst_port",), ("dst_ref", "type"), ("src_ref", "type")):
            return _IGNORED
    if object_type == "user-account" and path in (("account_type",), ("account_login",),
                                                  ("user_id",)):
        return _IGNORED
    custom = object_type.removeprefix(CUSTOM_PREFIX)
    if custom != object_type and custom in _KNOWN_TYPES and path == ("value",):
        return custom
    return None


# Properties an observable object may carry that its selectors fully stand for; anything
# else (a file's size, a domain's resolves_to_refs) means the object is also kept verbatim.
_COMMON = frozenset({"type", "id", "spec_version", "object_marking_refs", "granular_markings",
                     "defanged"})
_CAPTURED = {"ipv4-addr": {"value"}, "ipv6-addr": {"value"}, "domain-name": {"value"},
             "url": {"value"}, "email-addr": {"value"}, "mutex": {"name"},
             "autonomous-system": {"number"}, "file": {"name", "hashes"},
             "x509-certificate": {"hashes"}, "user-account": {"account_type", "account_login"}}

Resolve = Callable[[Any], str | None]  # the address value an object reference points at


def object_selectors(obj: dict[str, Any], resolve: Resolve) -> list[Selector] | None:
    """The selectors a cyber-observable object names; None when its type names none."""
    kind = obj.get("type")
    if kind in ("ipv4-addr", "ipv6-addr"):
        return [(address_type(str(obj["value"])), str(obj["value"]))] if "value" in obj else []
    if kind in _VALUE_TYPES:
        return [(_VALUE_TYPES[kind], str(obj["value"]))] if "value" in obj else []
    if kind == "mutex":
        return [(T.MUTEX, str(obj["name"]))] if "name" in obj else []
    if kind == "autonomous-system":
        return [(T.ASN, f"AS{obj['number']}")] if "number" in obj else []
    if kind in ("file", "artifact", "x509-certificate"):
        table = _CERT_HASHES if kind == "x509-certificate" else _FILE_HASHES
        hashes = obj.get("hashes")
        found: list[Selector] = []
        for name, value in (hashes.items() if isinstance(hashes, dict) else ()):
            kind_of_hash = hash_type(name, table)
            if kind_of_hash is not None:
                found.append((kind_of_hash, str(value)))
        if kind == "file" and isinstance(obj.get("name"), str):
            found.append((T.FILENAME, obj["name"]))
        return found or None
    if kind == "user-account":
        login = obj.get("account_login") or obj.get("user_id")
        if obj.get("account_type") and login:
            return [(T.HANDLE, f"{obj['account_type']}:{login}")]
        return None
    if kind == "network-traffic":
        host, port = resolve(obj.get("dst_ref")), obj.get("dst_port")
        if host and isinstance(port, int):
            return [(T.IP_PORT, f"[{host}]:{port}" if ":" in host else f"{host}:{port}")]
        return None
    if isinstance(kind, str) and kind.removeprefix(CUSTOM_PREFIX) in _KNOWN_TYPES \
            and kind.startswith(CUSTOM_PREFIX) and "value" in obj:
        return [(kind.removeprefix(CUSTOM_PREFIX), str(obj["value"]))]
    return None


def fully_captured(obj: dict[str, Any]) -> bool:
    """Whether the object's selectors stand for all it says (so it need not be kept too)."""
    captured = _CAPTURED.get(str(obj.get("type")))
    if captured is None:
        return False
    extra = set(obj) - _COMMON - captured
    hashes = obj.get("hashes")
    table = _CERT_HASHES if obj.get("type") == "x509-certificate" else _FILE_HASHES
    if isinstance(hashes, dict) and any(hash_type(n, table) is None for n in hashes):
        return False
    return not extra


def pattern_for(kind: str, value: str) -> str:
    """A STIX pattern naming exactly the selector (kind, value)."""
    v = quote(value)
    if kind in (T.IPV4, T.IPV6, T.CIDR):
        return f"[{'ipv6-addr' if ':' in value else 'ipv4-addr'}:value = {v}]"
    if kind in (T.DOMAIN, T.HOSTNAME):
        return f"[domain-name:value = {v}]"
    if kind in (T.URL, T.EMAIL):
        return f"[{'url' if kind == T.URL else 'email-addr'}:value = {v}]"
    if kind in _HASH_SPELLING:
        return f"[file:hashes.{quote(_HASH_SPELLING[T(kind)])} = {v}]"
    if kind in (T.FILENAME, T.MUTEX):
        return f"[{'file' if kind == T.FILENAME else 'mutex'}:name = {v}]"
    if kind == T.ASN and value.upper().startswith("AS") and value[2:].isdigit():
        return f"[autonomous-system:number = {int(value[2:])}]"
    if kind == T.X509_FINGERPRINT and len(value) in (40, 64):
        algorithm = quote("SHA-1" if len(value) == 40 else "SHA-256")
        return f"[x509-certificate:hashes.{algorithm} = {v}]"
    if kind == T.USER_AGENT:
        return ("[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = "
                f"{v}]")
    if kind == T.IP_PORT and value.rpartition(":")[2].isdigit():
        host, _, port = value.rpartition(":")
        host = host.strip("[]")
        return (f"[network-traffic:dst_ref.type = {quote(address_type(host) + '-addr')} AND "
                f"network-traffic:dst_ref.value = {quote(host)} AND "
                f"network-traffic:dst_port = {int(port)}]")
    if kind == T.HANDLE and ":" in value:
        platform, _, login = value.partition(":")
        return (f"[user-account:account_type = {quote(platform)} AND "
                f"user-account:account_login = {quote(login)}]")
    return f"[{CUSTOM_PREFIX}{kind}:value = {v}]"
