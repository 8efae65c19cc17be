"""The one table from observable type to its canonicaliser."""

from __future__ import annotations

from collections.abc import Callable

from intelpool.observables import (
    canonical,
    crypto_wallets,
    files,
    finance,
    hashes,
    identity,
    names,
    urls,
)
from intelpool.observables.types import ObservableType

CANONICALISERS: dict[str, Callable[[str], str]] = {
    ObservableType.IPV4: canonical.ipv4,
    ObservableType.IPV6: canonical.ipv6,
    ObservableType.CIDR: canonical.cidr,
    ObservableType.IP_PORT: canonical.ip_port,
    ObservableType.ASN: canonical.asn,
    ObservableType.DOMAIN: names.domain,
    ObservableType.HOSTNAME: names.hostname,
    ObservableType.URL: urls.url,
    ObservableType.EMAIL: urls.email,
    ObservableType.MD5: hashes.md5,
    ObservableType.SHA1: hashes.sha1,
    ObservableType.SHA256: hashes.sha256,
    ObservableType.SHA512: hashes.sha512,
    ObservableType.SSDEEP: hashes.ssdeep,
    ObservableType.TLSH: hashes.tlsh,
    ObservableType.JA3: hashes.ja3,
    ObservableType.X509_FINGERPRINT: hashes.x509_fingerprint,
    ObservableType.FILENAME: files.filename,
    ObservableType.MUTEX: files.mutex,
    ObservableType.USER_AGENT: files.user_agent,
    ObservableType.BTC_WALLET: crypto_wallets.btc_wallet,
    ObservableType.ETH_WALLET: crypto_wallets.eth_wallet,
    ObservableType.XMR_WALLET: crypto_wallets.xmr_wallet,
    ObservableType.IBAN: finance.iban,
    ObservableType.BIC: finance.bic,
    ObservableType.CARD_BIN: finance.card_bin,
    ObservableType.PHONE: identity.phone,
    ObservableType.HANDLE: identity.handle,
}
