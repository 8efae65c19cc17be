"""Canonical forms of DNS-style names: registrable domains and host names (incl. onion)."""

from __future__ import annotations

import base64
import hashlib
import re

from intelpool.observables.errors import InvalidObservable

_LABEL_RE = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_LABEL = re.compile(_LABEL_RE)
_TLD = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
_DOMAIN = re.compile(rf"(?:{_LABEL_RE}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}})")
_HOSTNAME = re.compile(rf"{_LABEL_RE}(?:\.{_LABEL_RE})*")
_BASE32 = re.compile(r"[a-z2-7]+")
# Common file extensions that are not top-level domains in the root zone (".zip", ".mov",
# ".py" or ".sh" are, so they are not listed): "svchost.exe" names a file, not a domain.
_FILE_EXTENSIONS_TEXT = """
exe dll sys scr bat cmd ps1 psm1 vbs vbe js jse wsf hta jar lnk msi msp cpl ocx drv doc docx
docm dotm xls xlsx xlsm xlsb ppt pptx pptm pdf rtf txt dat bin tmp log ini cfg conf iso img
vhd vhdx jpg jpeg png gif bmp ico htm html php asp aspx jsp pyc elf dylib apk dex ipa rar 7z
gz tgz tar bz2 xz csv xml json yml yaml lock pdb torrent eml msg ics vcf
"""
FILE_EXTENSIONS = frozenset(_FILE_EXTENSIONS_TEXT.split())
# Last labels that make a dotted name a host name, not a domain: top-level names outside the
# public DNS.
PRIVATE_TLDS = frozenset({"onion", "i2p", "bit", "loki", "local", "localhost", "internal",
                          "lan", "intranet", "corp"})


def _normalise(value: str) -> str:
    name = value.strip().rstrip(".").lower()
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            raise InvalidObservable(
                f"{value!r} is not a valid internationalised name (IDNA)") from None
    if len(name) > 253:
        raise InvalidObservable(f"name is longer than 253 characters: {value[:60]!r}...")
    return name


def _bad_label(name: str, value: str, kind: str) -> InvalidObservable:
    for label in name.split("."):
        if not _LABEL.fullmatch(label):
            shown = "an empty label" if not label else f"bad label {label!r}"
            return InvalidObservable(f"{value!r} is not a {kind} ({shown})")
    return InvalidObservable(f"{value!r} is not a {kind}")


def _check_onion(name: str, value: str) -> None:
    """An onion service name: v3 (56 base32 characters, checksum verified) or retired v2 (16)."""
    labels = name.split(".")
    address = labels[-2] if len(labels) > 1 else ""
    if len(address) == 16 and _BASE32.fullmatch(address):
        return  # v2: retired in 2021 but still named in older intelligence
    if len(address) != 56 or not _BASE32.fullmatch(address):
        raise InvalidObservable(
            f"{value!r} is not an onion address (v3 has 56 base32 characters before .onion)")
    raw = base64.b32decode(address.upper())
    key, checksum, version = raw[:32], raw[32:34], raw[34]
    expected = hashlib.sha3_256(b".onion checksum" + key + bytes([version])).digest()[:2]
    if version != 3 or checksum != expected:
        raise InvalidObservable(f"{value!r} is not an onion address (checksum mismatch)")


def domain(value: str) -> str:
    """A DNS name under an alphabetic or IDN top-level domain, lowercase, IDNA-encoded.

    The shape is checked, not the public-suffix registry: ``corp.example`` is a domain.
    """
    name = _normalise(value)
    if _DOMAIN.fullmatch(name):
        tld = name[name.rfind(".") + 1:]
        if tld in FILE_EXTENSIONS:
            raise InvalidObservable(
                f"{value!r} is not a domain ('.{tld}' is a file extension, not a top-level "
                "domain)")
        if tld == "onion":
            _check_onion(name, value)
        return name
    if "." not in name:
        raise InvalidObservable(f"{value!r} is not a domain (needs a dot and a top-level "
                                "domain; a bare host name is a hostname)")
    tld = name.rpartition(".")[2]
    if _LABEL.fullmatch(tld) and not _TLD.fullmatch(tld):
        raise InvalidObservable(f"{value!r} is not a domain (bad top-level domain {tld!r})")
    raise _bad_label(name, value, "domain")


def hostname(value: str) -> str:
    """A host name: a domain, a single label, or a name under a non-public top-level domain
    (internal ``.corp``/``.lan`` names, ``.onion``, ``.i2p``, ``.bit``); same form as domain."""
    name = _normalise(value)
    if not _HOSTNAME.fullmatch(name):
        raise _bad_label(name, value, "host name")
    if name.rpartition(".")[2].isdigit():
        raise InvalidObservable(
            f"{value!r} is not a host name (an all-numeric last label reads as an IP address)")
    if name.endswith(".onion"):
        _check_onion(name, value)
    return name
