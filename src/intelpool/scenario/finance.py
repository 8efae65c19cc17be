"""Payment selectors with valid check digits: IBANs (mod 97) and Bitcoin addresses.

Account numbers and key hashes are fictitious (counters and seed-derived digests), but the
encodings are exact, so any validating parser accepts them. National check digits inside a
BBAN (the French RIB key, the Spanish DC) are not computed: only the IBAN's own.
"""

from __future__ import annotations

import hashlib

# BBAN layout per country: bank identifier, then digits up to the country's IBAN length.
_IBAN_LENGTH = {"DE": 22, "FR": 27, "NL": 18, "ES": 24, "IT": 27, "PL": 28, "LT": 20,
                "UA": 29, "AT": 20}
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)

IBAN_COUNTRIES = tuple(sorted(_IBAN_LENGTH))


def _iban_number(text: str) -> int:
    return int("".join(str(int(ch, 36)) for ch in text))


def iban(country: str, bank: str, account: str) -> str:
    """An IBAN from a bank identifier and account digits, padded to the country's length."""
    length = _IBAN_LENGTH[country]
    if country == "IT":
        bank = "X" + bank  # the CIN control letter leads an Italian BBAN
    bban = bank + account.zfill(length - 4 - len(bank))
    if len(bban) != length - 4:
        raise ValueError(f"{country} account {account!r} does not fit the BBAN")
    check = 98 - _iban_number(bban + country + "00") % 97
    return f"{country}{check:02d}{bban}"


def iban_is_valid(value: str) -> bool:
    text = value.replace(" ", "").upper()
    if len(text) != _IBAN_LENGTH.get(text[:2], -1) or not text.isalnum():
        return False
    return _iban_number(text[4:] + text[:4]) % 97 == 1


def bank_code(country: str, index: int) -> str:
    """A bank identifier in the country's shape (NL: four letters; elsewhere digits)."""
    if country == "NL":
        return "Z" + "".join(chr(65 + (index // 26**i) % 26) for i in range(3))
    width = {"DE": 8, "FR": 10, "ES": 8, "IT": 10, "PL": 8, "LT": 5, "UA": 6, "AT": 5}[country]
    return f"9{index:0{width - 1}d}"[:width]


def base58check(version: int, payload: bytes) -> str:
    data = bytes([version]) + payload
    checksum = hashlib.sha256(hashlib.sha256(data).digest()).digest()[:4]
    full = data + checksum
    number = int.from_bytes(full, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _BASE58[rest] + out
    leading = len(full) - len(full.lstrip(b"\0"))
    return "1" * leading + out


def _bech32_polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_BECH32_GEN):
            chk ^= gen if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _to_5bit(data: bytes) -> list[int]:
    acc, bits, out = 0, 0, []
    for byte in data:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            out.append((acc >> bits) & 31)
    if bits:
        out.append((acc << (5 - bits)) & 31)
    return out


def segwit_address(hrp: str, version: int, program: bytes) -> str:
    """A BIP 173 (bech32) segwit v0 address."""
    data = [version, *_to_5bit(program)]
    polymod = _bech32_polymod([*_hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


def btc_address(style: str, key_hash: bytes) -> str:
    """``p2pkh`` (1...), ``p2sh`` (3...) or ``p2wpkh`` (bc1q...) for a 20-byte hash."""
    if style == "p2pkh":
        return base58check(0x00, key_hash)
    if style == "p2sh":
        return base58check(0x05, key_hash)
    return segwit_address("bc", 0, key_hash)
