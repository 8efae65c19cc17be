"""Guess the type of an untyped selector from its shape.

``detect`` runs on every line of million-line files: the common types (URL, IPv4, hashes,
domains) are decided by cheap substring tests and one precompiled regex each, before any
rarer shape is tried, and no exception is raised on the way. Checksummed shapes (Bitcoin,
IBAN, card numbers) are only claimed when the checksum holds.
"""

from __future__ import annotations

import re

from intelpool.observables.crypto_wallets import looks_like_btc
from intelpool.observables.finance import looks_like_iban, luhn_valid
from intelpool.observables.identity import KNOWN_PLATFORMS
from intelpool.observables.names import FILE_EXTENSIONS, PRIVATE_TLDS
from intelpool.observables.types import ObservableType as T

_HEX = re.compile(r"[0-9a-fA-F]+")
_HEX_LENGTHS = {32: T.MD5, 40: T.SHA1, 64: T.SHA256, 70: T.TLSH, 128: T.SHA512}
_IPV4ISH = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_IPV4_PORT = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}:[0-9]{1,5}")
_CIDRISH = re.compile(r"[0-9a-fA-F:.]+/[0-9]{1,3}")
_IPV6ISH = re.compile(r"[0-9a-fA-F:.]*:[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(?:%[0-9A-Za-z._-]+)?")
# A hash part longer than 4 characters cannot be an IPv6 group, so "3::" stays IPv6.
_SSDEEP = re.compile(r"[0-9]{1,10}:[0-9A-Za-z+/]{5,64}:[0-9A-Za-z+/]{0,64}")
_ASN = re.compile(r"ASN?\s?[0-9]{1,10}", re.IGNORECASE)
_ETH = re.compile(r"0[xX][0-9a-fA-F]{40}")
_TLSH = re.compile(r"[Tt]1[0-9a-fA-F]{70}")
_PHONE = re.compile(r"\+[0-9][0-9 ()./-]{6,30}")
_CARD = re.compile(r"[0-9](?:[ -]?[0-9]){11,18}")
_BASE58_BTC = re.compile(r"[13][1-9A-HJ-NP-Za-km-z]{24,33}")
_XMR = re.compile(r"[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?")
_IBAN = re.compile(r"[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,30}")
# A forum or messenger name as handles print it: lower-case letters, digits, ".", "_", "-",
# with at least one letter ("10:30" is a time, not a handle).
_PLATFORM = re.compile(r"(?=[a-z0-9._-]*[a-z])[a-z0-9][a-z0-9._-]{0,62}", re.IGNORECASE)
_SCHEMES = frozenset({"mailto", "tel", "http", "https", "ftp", "urn", "data", "file"})
# Last labels that make a dotted name something other than a domain: top-level names
# outside the public DNS (host names) and file extensions (file names).
_SUFFIX_TYPES = {**dict.fromkeys(FILE_EXTENSIONS, T.FILENAME),
                 **dict.fromkeys(PRIVATE_TLDS, T.HOSTNAME)}


def _names_platform(text: str) -> bool:
    """True for "platform:name" with a platform the pool knows (telegram:, jabber: ...)."""
    return text.partition(":")[0].lower() in KNOWN_PLATFORMS


def _handle_shape(text: str) -> bool:
    """True for "platform:name" as the pool prints a handle: a platform name with a letter
    (a known messenger or any forum, e.g. ``exploit.in``), then the account name with no
    space after the colon. A name of digits only is a port ("example.com:8080"); schemes
    of other selectors (``mailto:``, ``tel:``) are not platforms."""
    platform, _, name = text.partition(":")
    if platform.lower() in KNOWN_PLATFORMS:
        return bool(name)
    return (bool(name) and not name[0].isspace() and not name.isdigit()
            and not name.startswith("//") and platform.lower() not in _SCHEMES
            and _PLATFORM.fullmatch(platform) is not None)


def detect(text: str) -> str | None:
    """The most likely type of ``text`` (already refanged), or None when nothing fits."""
    if "://" in text:
        return T.URL
    if "/" in text:
        if _CIDRISH.fullmatch(text):
            return T.CIDR
        if ":" in text:
            if _SSDEEP.fullmatch(text):
                return T.SSDEEP  # its base64 parts may hold "/"
            if _handle_shape(text):
                return T.HANDLE  # jabber:user@server/resource, forum:name/with/slashes
        return T.URL  # host/path without a scheme
    if "@" in text:
        if text[0] == "@" or _names_platform(text):
            return T.HANDLE
        # An e-mail local part holds no ":", so "forum:name@x" is a handle.
        return T.HANDLE if ":" in text.partition("@")[0] and _handle_shape(text) else T.EMAIL
    first = text[0]
    if "0" <= first <= "9":
        if _IPV4ISH.fullmatch(text):
            return T.IPV4
        if _IPV4_PORT.fullmatch(text):
            return T.IP_PORT
    kind = _HEX_LENGTHS.get(len(text))
    if kind is not None and _HEX.fullmatch(text):
        return kind
    if ":" in text:
        return _with_colon(text)
    if first == "+":
        return T.PHONE if _PHONE.fullmatch(text) else None
    if "." in text:
        if " " in text:
            return None
        return _SUFFIX_TYPES.get(text.rpartition(".")[2].lower(), T.DOMAIN)
    return _rare_shape(text, first)


def _with_colon(text: str) -> str | None:
    if text[0] == "[":
        return T.IP_PORT if "]:" in text else T.IPV6
    if _SSDEEP.fullmatch(text):
        return T.SSDEEP
    if _IPV6ISH.fullmatch(text):
        return T.IPV6
    if text[:4].lower() == "tel:":
        return T.PHONE
    if _handle_shape(text):
        return T.HANDLE
    return None


def _rare_shape(text: str, first: str) -> str | None:
    """Shapes without dots, colons or slashes: AS numbers, wallets, IBANs, card numbers."""
    if "0" <= first <= "9":
        if _CARD.fullmatch(text):
            digits = text.replace(" ", "").replace("-", "")
            # A card number is claimed so that it is refused as a PAN, never stored.
            if luhn_valid(digits):
                return T.CARD_BIN
        if first == "0" and _ETH.fullmatch(text):
            return T.ETH_WALLET
        if first in "13" and _BASE58_BTC.fullmatch(text) and looks_like_btc(text):
            return T.BTC_WALLET
        if first in "48" and _XMR.fullmatch(text):
            return T.XMR_WALLET
        return None
    if first in "aA" and _ASN.fullmatch(text):
        return T.ASN
    if first in "bB" and text[:3].lower() == "bc1" and looks_like_btc(text):
        return T.BTC_WALLET
    if first in "tT" and _TLSH.fullmatch(text):
        return T.TLSH
    if _IBAN.fullmatch(text) and looks_like_iban(text.upper()):
        return T.IBAN
    return None
