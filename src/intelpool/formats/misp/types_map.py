"""MISP attribute types and intelpool observable types, in both directions.

Import: ``conversion(misp_type, value)`` says what one attribute value becomes: one observation,
two observations and the relationship between them (``domain|ip``, ``filename|md5``), an entity
(``vulnerability``), or a rejection with its reason. Export: ``misp_type_for(type, value)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from intelpool.observables.detect import detect
from intelpool.observables.refang import refang
from intelpool.observables.types import ObservableType as T

# MISP type -> intelpool type; None lets the pool detect it (ip-src/ip-dst: v4, v6 or a CIDR).
SINGLE: dict[str, str | None] = {
    "ip-src": None, "ip-dst": None,
    "domain": T.DOMAIN,
    "url": T.URL,
    "email": T.EMAIL, "email-src": T.EMAIL, "email-dst": T.EMAIL, "email-reply-to": T.EMAIL,
    "target-email": T.EMAIL, "whois-registrant-email": T.EMAIL, "dns-soa-email": T.EMAIL,
    "md5": T.MD5, "sha1": T.SHA1, "sha256": T.SHA256, "sha512": T.SHA512,
    "ssdeep": T.SSDEEP, "tlsh": T.TLSH,
    "filename": T.FILENAME, "email-attachment": T.FILENAME,
    "mutex": T.MUTEX, "user-agent": T.USER_AGENT, "ja3-fingerprint-md5": T.JA3,
    "x509-fingerprint-sha1": T.X509_FINGERPRINT, "x509-fingerprint-sha256": T.X509_FINGERPRINT,
    "btc": T.BTC_WALLET, "xmr": T.XMR_WALLET,
    "iban": T.IBAN, "bic": T.BIC, "bin": T.CARD_BIN,
    "phone-number": T.PHONE, "whois-registrant-phone": T.PHONE, "prtn": T.PHONE,
    "AS": T.ASN,
}

# Account names on a platform become handles "platform:name".
HANDLE_PLATFORM: dict[str, str] = {
    "github-username": "github", "github-organisation": "github",
    "twitter-id": "twitter", "jabber-id": "jabber",
}

# "a|b" values: (type of a, type of b, relationship from a to b).
PAIRS: dict[str, tuple[str | None, str | None, str]] = {
    "domain|ip": (T.DOMAIN, None, "resolves-to"),
    "malware-sample": (T.FILENAME, T.MD5, "has-hash"),
    **{f"filename|{h}": (T.FILENAME, kind, "has-hash") for h, kind in (
        ("md5", T.MD5), ("sha1", T.SHA1), ("sha256", T.SHA256), ("sha512", T.SHA512),
        ("ssdeep", T.SSDEEP), ("tlsh", T.TLSH))},
}

# Attribute types that name a thing rather than a selector: entity kind.
ENTITY_TYPES: dict[str, str] = {
    "vulnerability": "vulnerability", "threat-actor": "threat-actor",
    "campaign-name": "campaign",
}

# Selector-like MISP types the pool has no observable type for (yet).
UNMODELLED = frozenset({
    "imphash", "impfuzzy", "pehash", "authentihash", "telfhash", "vhash", "cdhash",
    "sha224", "sha384", "sha3-224", "sha3-256", "sha3-384", "sha3-512", "sha512/224",
    "sha512/256", "x509-fingerprint-md5", "hassh-md5", "hasshserver-md5", "jarm-fingerprint",
    "favicon-mmh3", "dom-hash", "community-id", "ssh-fingerprint", "mac-address", "mac-eui-64",
    "dash", "uri", "named pipe", "regkey", "regkey|value", "pdb", "windows-service-name",
    "windows-scheduled-task", "chrome-extension-id", "edge-extension-id",
    "mobile-application-id", "azure-application-id", "email-message-id",
    "email-src-display-name", "email-dst-display-name", "whois-registrant-name",
    "whois-registrant-org", "whois-registrar", "github-repository", "git-commit-id",
    "bank-account-nr", "aba-rtn", "filename-pattern", "cookie",
    *(f"filename|{h}" for h in ("imphash", "impfuzzy", "pehash", "authentihash", "vhash",
                                "sha224", "sha384", "sha3-224", "sha3-256", "sha3-384",
                                "sha3-512", "sha512/224", "sha512/256")),
})

SPECIAL_REASONS: dict[str, str] = {
    "link": "a MISP link is a reference to a report, not a selector",
    "cc-number": "full payment card numbers are not stored: submit the BIN (MISP type 'bin')",
}


@dataclass(frozen=True, slots=True)
class Part:
    """One observation an attribute value gives."""

    value: str
    type: str | None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Conversion:
    parts: tuple[Part, ...] = ()
    relationship: str | None = None  # between parts[0] and parts[1]
    entity_kind: str | None = None
    reason: str | None = None  # set when the attribute is rejected


def conversion(misp_type: str, value: str) -> Conversion:
    """What an attribute of ``misp_type`` holding ``value`` becomes."""
    if misp_type in SINGLE:
        return Conversion((Part(value, SINGLE[misp_type]),))
    if misp_type in ("hostname", "onion-address"):
        return Conversion((Part(value, _host_type(value)),))
    if misp_type in HANDLE_PLATFORM:
        return Conversion((Part(f"{HANDLE_PLATFORM[misp_type]}:{value.strip()}", T.HANDLE),))
    if misp_type in ("ip-src|port", "ip-dst|port"):
        return _ip_port(misp_type, value)
    if misp_type == "hostname|port":
        host, _, port = value.rpartition("|")
        if not host or not port.strip().isdigit():
            return Conversion(reason=f"MISP {misp_type} value is not 'host|port'")
        return Conversion((Part(host, _host_type(host), (f"port:{port.strip()}",)),))
    if misp_type in PAIRS:
        first, second, relationship = PAIRS[misp_type]
        left, sep, right = value.partition("|")
        if not sep or not left.strip() or not right.strip():
            return Conversion(reason=f"MISP {misp_type} value is not two parts joined by '|'")
        return Conversion((Part(left, first), Part(right, second)), relationship)
    if misp_type in ENTITY_TYPES:
        return Conversion(entity_kind=ENTITY_TYPES[misp_type])
    if misp_type in SPECIAL_REASONS:
        return Conversion(reason=SPECIAL_REASONS[misp_type])
    if misp_type in UNMODELLED:
        return Conversion(reason=f"MISP type {misp_type!r} has no intelpool observable type")
    return Conversion(reason=f"MISP type {misp_type!r} is not a selector")


def _host_type(value: str) -> str:
    # MISP "hostname" is mostly a fully qualified name, which the pool keeps as a domain;
    # a bare label or a name under a private top-level (.onion, .local) is a host name.
    return T.DOMAIN if detect(refang(value)) == T.DOMAIN else T.HOSTNAME


def _ip_port(misp_type: str, value: str) -> Conversion:
    ip, sep, port = value.strip().rpartition("|")
    if not sep:  # some producers write ip:port
        ip, sep, port = value.strip().rpartition(":")
    if not sep or not ip or not port.isdigit():
        return Conversion(reason=f"MISP {misp_type} value is not 'ip|port'")
    ip = ip.strip("[]")
    return Conversion((Part(f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}", T.IP_PORT),))


# Export: intelpool type -> MISP type (None: no MISP type; written as "text" with a type tag).
_EXPORT: dict[str, str | None] = {
    T.IPV4: "ip-dst", T.IPV6: "ip-dst", T.CIDR: "ip-dst", T.DOMAIN: "domain",
    T.HOSTNAME: "hostname", T.URL: "url", T.EMAIL: "email", T.MD5: "md5", T.SHA1: "sha1",
    T.SHA256: "sha256", T.SHA512: "sha512", T.SSDEEP: "ssdeep", T.TLSH: "tlsh",
    T.FILENAME: "filename", T.MUTEX: "mutex", T.USER_AGENT: "user-agent",
    T.JA3: "ja3-fingerprint-md5", T.BTC_WALLET: "btc", T.XMR_WALLET: "xmr", T.ETH_WALLET: None,
    T.IBAN: "iban", T.BIC: "bic", T.PHONE: "phone-number", T.ASN: "AS", T.CARD_BIN: "bin",
    T.IP_PORT: "ip-dst|port",
}
_PLATFORM_TYPE = {"github": "github-username", "twitter": "twitter-id",
                  "jabber": "jabber-id"}


def misp_type_for(kind: str, value: str) -> tuple[str, str] | None:
    """The MISP (type, value) of an intelpool observable, or None when MISP has no type."""
    if kind == T.X509_FINGERPRINT:
        digits = sum(c in "0123456789abcdefABCDEF" for c in value)
        found = {40: "x509-fingerprint-sha1", 64: "x509-fingerprint-sha256"}.get(digits)
        return (found, value) if found else None
    if kind == T.HANDLE:
        platform, sep, name = value.partition(":")
        misp_type = _PLATFORM_TYPE.get(platform)
        return (misp_type, name) if sep and misp_type else None
    if kind == T.IP_PORT:
        ip, _, port = value.rpartition(":")
        return "ip-dst|port", f"{ip.strip('[]')}|{port}"
    misp_type = _EXPORT.get(kind)
    return (misp_type, value) if misp_type else None


def imported_type(misp_type: str, value: str) -> str | None:
    """The intelpool type a MISP attribute becomes when it is one observation, else None."""
    found = conversion(misp_type, value)
    if len(found.parts) != 1:
        return None
    return found.parts[0].type or _ip_kind(found.parts[0].value)


def _ip_kind(value: str) -> str:
    return T.CIDR if "/" in value else T.IPV6 if ":" in value else T.IPV4
