"""Canonical forms of digests and fingerprints: file hashes, fuzzy hashes, JA3, certificates."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from intelpool.observables.errors import InvalidObservable

_HEX = re.compile(r"[0-9a-f]+")
_SSDEEP = re.compile(r"([0-9]{1,10}):([0-9A-Za-z+/]{0,64}):([0-9A-Za-z+/]{0,64})")
_SSDEEP_FILE = re.compile(r',\s*"[^"]*"\s*')  # ssdeep's own output appends ,"file name"
# JA3: version,ciphers,extensions,curves,point formats; JA3S: version,cipher,extensions.
_JA3_STRING = re.compile(r"[0-9]+,[0-9-]*,[0-9-]*(?:,[0-9-]*,[0-9-]*)?")
_TLSH_BODY = 70  # 128 buckets, 1-byte checksum: the digest every TLSH tool prints


def hex_digest(kind: str, length: int) -> Callable[[str], str]:
    """A canonicaliser for a plain hex digest of ``length`` digits (lower-cased)."""

    def canonical(value: str) -> str:
        text = value.strip().lower()
        if len(text) != length or not _HEX.fullmatch(text):
            raise InvalidObservable(f"{value!r} is not a {kind} hash ({length} hex digits)")
        return text

    canonical.__name__ = kind.lower().replace("-", "")
    return canonical


md5 = hex_digest("MD5", 32)
sha1 = hex_digest("SHA-1", 40)
sha256 = hex_digest("SHA-256", 64)
sha512 = hex_digest("SHA-512", 128)


def ssdeep(value: str) -> str:
    """``blocksize:hash:hash``. Line breaks inside the value (wrapped exports) are removed;
    the block size must be 3 * 2^n as ssdeep produces it."""
    text = "".join(_SSDEEP_FILE.sub("", value).split())
    match = _SSDEEP.fullmatch(text)
    if match is None:
        raise InvalidObservable(
            f"{value[:120]!r} is not an ssdeep hash (blocksize:hash:hash, base64 hash parts "
            "of at most 64 characters)")
    blocksize = int(match.group(1))
    if blocksize < 3 or blocksize % 3 or (blocksize // 3) & (blocksize // 3 - 1):
        raise InvalidObservable(
            f"{value[:120]!r} is not an ssdeep hash (block size {blocksize} is not 3 * 2^n)")
    return f"{blocksize}:{match.group(2)}:{match.group(3)}"


def tlsh(value: str) -> str:
    """Canonical ``T1`` + 70 upper-case hex digits, as TLSH 4 prints it; the legacy form
    without the ``T1`` version prefix denotes the same digest and gets it added."""
    text = value.strip().upper()
    body = text[2:] if text.startswith("T1") and len(text) == _TLSH_BODY + 2 else text
    if len(body) != _TLSH_BODY or not _HEX.fullmatch(body.lower()):
        raise InvalidObservable(
            f"{value!r} is not a TLSH digest (T1 and 70 hex digits; only the standard "
            "128-bucket, 1-byte-checksum digest is supported)")
    return "T1" + body


def ja3(value: str) -> str:
    """A JA3 (or JA3S) fingerprint: the MD5 of the JA3 string, 32 hex digits lower-case.
    A full JA3 or JA3S string (``771,4865-4866,...``) is accepted and hashed as JA3 does."""
    text = value.strip().lower()
    if len(text) == 32 and _HEX.fullmatch(text):
        return text
    if _JA3_STRING.fullmatch(text):
        return hashlib.md5(text.encode("ascii"), usedforsecurity=False).hexdigest()
    raise InvalidObservable(
        f"{value[:120]!r} is not a JA3 fingerprint (32 hex digits, the MD5 of the JA3 string)")


def x509_fingerprint(value: str) -> str:
    """The SHA-1 (40 hex) or SHA-256 (64 hex) of a certificate, lower-case, without the
    colons or spaces tools print; an ``openssl x509 -fingerprint`` line is accepted too."""
    text = value.strip()
    if "=" in text:  # "SHA256 Fingerprint=AB:CD:..."
        text = text.rpartition("=")[2]
    text = text.replace(":", "").replace(" ", "").lower()
    if len(text) in (40, 64) and _HEX.fullmatch(text):
        return text
    if len(text) == 32 and _HEX.fullmatch(text):
        raise InvalidObservable(
            f"{value!r}: MD5 certificate fingerprints are not accepted; give SHA-1 or SHA-256")
    raise InvalidObservable(
        f"{value!r} is not a certificate fingerprint (SHA-1: 40 or SHA-256: 64 hex digits)")
