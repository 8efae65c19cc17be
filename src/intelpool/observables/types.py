"""The observable types the pool knows, with their names as stored."""

from __future__ import annotations

import enum


class ObservableType(enum.StrEnum):
    """Every type has its canonicaliser in ``observables/registry.py`` (CANONICALISERS)."""

    IPV4 = "ipv4"
    IPV6 = "ipv6"
    CIDR = "cidr"
    DOMAIN = "domain"
    URL = "url"
    EMAIL = "email"
    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"
    IP_PORT = "ip-port"  # 1.2.3.4:443, [2001:db8::1]:443
    ASN = "asn"  # AS64500
    HOSTNAME = "hostname"  # a host name that is not a registrable domain (e.g. a bare label)
    SHA512 = "sha512"
    SSDEEP = "ssdeep"
    TLSH = "tlsh"
    FILENAME = "filename"
    MUTEX = "mutex"
    USER_AGENT = "user-agent"
    JA3 = "ja3"
    X509_FINGERPRINT = "x509-fingerprint"  # SHA-1 or SHA-256 of the certificate
    BTC_WALLET = "btc-wallet"
    ETH_WALLET = "eth-wallet"
    XMR_WALLET = "xmr-wallet"
    IBAN = "iban"
    BIC = "bic"
    PHONE = "phone"  # E.164
    CARD_BIN = "card-bin"  # payment card BIN (6-8 digits); full card numbers are refused
    HANDLE = "handle"  # forum or messenger handle, e.g. "exploit.in:someuser"
