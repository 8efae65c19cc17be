"""The encodings cryptocurrency addresses use: Base58, Bech32/Bech32m, Monero Base58, Keccak.

Decoders return None on malformed input; the address canonicalisers turn that into a reason.
"""

from __future__ import annotations

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: digit for digit, char in enumerate(BASE58)}
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {char: digit for digit, char in enumerate(BECH32)}
_BECH32_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
BECH32_CONST = 1  # BIP-173
BECH32M_CONST = 0x2BC830A3  # BIP-350
# Monero Base58 encodes 8-byte blocks as 11 characters; a shorter last block of n bytes
# takes the number of characters below, so the character count gives the byte count.
_MONERO_BLOCK_BYTES = {0: 0, 2: 1, 3: 2, 5: 3, 6: 4, 7: 5, 9: 6, 10: 7, 11: 8}


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum and Monero use it (not NIST SHA3-256: the padding differs)."""
    from Crypto.Hash import keccak  # only ETH and XMR addresses need it; it loads slowly

    return keccak.new(digest_bits=256, data=data).digest()


def _base58_number(text: str) -> int | None:
    number = 0
    for char in text:
        digit = _BASE58_INDEX.get(char)
        if digit is None:
            return None
        number = number * 58 + digit
    return number


def base58_decode(text: str) -> bytes | None:
    """Bitcoin Base58: the string is one big number; each leading "1" is a zero byte."""
    number = _base58_number(text)
    if number is None:
        return None
    zeros = len(text) - len(text.lstrip("1"))
    return bytes(zeros) + number.to_bytes((number.bit_length() + 7) // 8, "big")


def monero_base58_decode(text: str) -> bytes | None:
    out = bytearray()
    for start in range(0, len(text), 11):
        block = text[start:start + 11]
        size = _MONERO_BLOCK_BYTES.get(len(block))
        number = _base58_number(block)
        if size is None or number is None or number >> (8 * size):
            return None
        out += number.to_bytes(size, "big")
    return bytes(out)


def _polymod(values: list[int]) -> int:
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for bit, generator in enumerate(_BECH32_GENERATOR):
            if (top >> bit) & 1:
                checksum ^= generator
    return checksum


def bech32_decode(text: str) -> tuple[str, list[int], int] | None:
    """(human-readable part, 5-bit data without checksum, checksum constant) or None.

    The constant tells Bech32 (1) from Bech32m; any other residue is a checksum mismatch
    and comes back as 0.
    """
    if len(text) > 90 or (text != text.lower() and text != text.upper()):
        return None
    text = text.lower()
    hrp, _, data_part = text.rpartition("1")
    if not hrp or len(data_part) < 6 or any(not 33 <= ord(c) <= 126 for c in hrp):
        return None
    data = [_BECH32_INDEX.get(char, -1) for char in data_part]
    if -1 in data:
        return None
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    residue = _polymod(expanded + data)
    constant = residue if residue in (BECH32_CONST, BECH32M_CONST) else 0
    return hrp, data[:-6], constant


def regroup_5_to_8(data: list[int]) -> bytes | None:
    """5-bit groups to bytes; None when the padding is longer than 4 bits or not zero."""
    accumulator = bits = 0
    out = bytearray()
    for value in data:
        accumulator = ((accumulator << 5) | value) & 0xFFF  # at most 12 bits pending
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append((accumulator >> bits) & 0xFF)
    if bits >= 5 or accumulator & ((1 << bits) - 1):
        return None
    return bytes(out)
