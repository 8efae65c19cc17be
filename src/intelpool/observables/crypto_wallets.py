"""Canonical forms of cryptocurrency addresses, with their checksums verified."""

from __future__ import annotations

import hashlib
import re

from intelpool.observables.errors import InvalidObservable
from intelpool.observables.wallet_codecs import (
    BECH32_CONST,
    BECH32M_CONST,
    base58_decode,
    bech32_decode,
    keccak256,
    monero_base58_decode,
    regroup_5_to_8,
)

_BTC_VERSIONS = {0x00: "P2PKH", 0x05: "P2SH"}
_BTC_TESTNET_VERSIONS = {0x6F, 0xC4}
_ETH = re.compile(r"(?:0[xX])?([0-9a-fA-F]{40})")
# Monero network bytes: mainnet standard, integrated, subaddress; then the other networks.
_XMR_MAINNET = {18: 69, 19: 77, 42: 69}  # network byte -> decoded length in bytes
_XMR_OTHER_NETWORKS = {53: "testnet", 54: "testnet", 63: "testnet",
                       24: "stagenet", 25: "stagenet", 36: "stagenet"}


def _base58check(value: str) -> str:
    raw = base58_decode(value)
    if raw is None:
        raise InvalidObservable(f"{value!r} is not a Bitcoin address (not Base58)")
    if len(raw) != 25:
        raise InvalidObservable(f"{value!r} is not a Bitcoin address (wrong length)")
    if hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4] != raw[21:]:
        raise InvalidObservable(f"{value!r} is not a Bitcoin address (checksum mismatch)")
    if raw[0] in _BTC_TESTNET_VERSIONS:
        raise InvalidObservable(f"{value!r} is a Bitcoin testnet address")
    if raw[0] not in _BTC_VERSIONS:
        raise InvalidObservable(f"{value!r} is not a Bitcoin address (version byte {raw[0]})")
    return value


def _segwit(value: str) -> str:
    decoded = bech32_decode(value)
    if decoded is None:
        raise InvalidObservable(f"{value!r} is not a Bitcoin address (malformed Bech32)")
    hrp, data, constant = decoded
    if hrp != "bc":
        raise InvalidObservable(f"{value!r} is not a Bitcoin mainnet address (prefix {hrp}1)")
    if not data:
        raise InvalidObservable(f"{value!r} is not a Bitcoin address (empty data)")
    version, program = data[0], regroup_5_to_8(data[1:])
    if constant != (BECH32_CONST if version == 0 else BECH32M_CONST):
        raise InvalidObservable(f"{value!r} is not a Bitcoin address (checksum mismatch; "
                                "version 0 uses Bech32, later versions Bech32m)")
    if version > 16:
        raise InvalidObservable(f"{value!r} is not a Bitcoin address (witness version "
                                f"{version})")
    if program is None or not 2 <= len(program) <= 40 or (
            version == 0 and len(program) not in (20, 32)):
        raise InvalidObservable(f"{value!r} is not a Bitcoin address (bad witness program)")
    return value.lower()


def looks_like_btc(text: str) -> bool:
    """True when ``text`` is a mainnet Bitcoin address with a valid checksum; never raises."""
    if text[:3].lower() == "bc1":
        decoded = bech32_decode(text)
        if decoded is None or decoded[0] != "bc" or not decoded[1]:
            return False
        version = decoded[1][0]
        return decoded[2] == (BECH32_CONST if version == 0 else BECH32M_CONST)
    raw = base58_decode(text)
    return (raw is not None and len(raw) == 25 and raw[0] in _BTC_VERSIONS
            and hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4] == raw[21:])


def btc_wallet(value: str) -> str:
    """A Bitcoin mainnet address: Base58Check P2PKH (1...) or P2SH (3...) kept as is, or
    SegWit Bech32/Bech32m (bc1...) lower-cased; every checksum is verified."""
    text = value.strip()
    if text[:3].lower() == "bc1" or text[:3].lower() == "tb1":
        return _segwit(text)
    if text[:1] in ("1", "3", "m", "n", "2") and 25 <= len(text) <= 35:
        return _base58check(text)
    raise InvalidObservable(
        f"{value!r} is not a Bitcoin address (expected 1..., 3... or bc1...)")


def eth_wallet(value: str) -> str:
    """An Ethereum address, ``0x`` + 40 hex, canonical lower-case. A mixed-case address
    carries an EIP-55 checksum, which must then hold (all-lower or all-upper has none)."""
    match = _ETH.fullmatch(value.strip())
    if match is None:
        raise InvalidObservable(f"{value!r} is not an Ethereum address (0x and 40 hex digits)")
    digits = match.group(1)
    lower = digits.lower()
    if digits != lower and digits != digits.upper():
        # EIP-55: a letter is upper-case where the Keccak-256 nibble at its position is >= 8.
        nibbles = keccak256(lower.encode("ascii")).hex()[:40]
        expected = "".join(c.upper() if int(n, 16) >= 8 else c
                           for c, n in zip(lower, nibbles, strict=True))
        if digits != expected:
            raise InvalidObservable(
                f"{value!r} is not an Ethereum address (mixed case fails the EIP-55 checksum)")
    return "0x" + lower


def xmr_wallet(value: str) -> str:
    """A Monero mainnet address: standard (4..., 95 characters), subaddress (8..., 95) or
    integrated (4..., 106), Monero Base58 with its Keccak-256 checksum verified; kept as is."""
    text = value.strip()
    if len(text) not in (95, 106):
        raise InvalidObservable(
            f"{value!r} is not a Monero address (95 or 106 characters, not {len(text)})")
    raw = monero_base58_decode(text)
    if raw is None:
        raise InvalidObservable(f"{value!r} is not a Monero address (not Monero Base58)")
    if keccak256(raw[:-4])[:4] != raw[-4:]:
        raise InvalidObservable(f"{value!r} is not a Monero address (checksum mismatch)")
    network = _XMR_OTHER_NETWORKS.get(raw[0])
    if network is not None:
        raise InvalidObservable(f"{value!r} is a Monero {network} address")
    if _XMR_MAINNET.get(raw[0]) != len(raw):
        raise InvalidObservable(f"{value!r} is not a Monero address (network byte {raw[0]} "
                                f"with {len(raw)} bytes)")
    return text
