"""Canonical forms of financial selectors: IBAN, BIC and payment card BIN.

Full payment card numbers (PANs) are never stored: a PAN is refused with its digits masked
(first 6 and last 4), and ``mask_card_numbers`` masks any PAN inside a text.
"""

from __future__ import annotations

import re

from intelpool.observables.errors import InvalidObservable
from intelpool.observables.iban_formats import COUNTRIES, bban_pattern, iban_length

PAN_REASON = "a full payment card number (PAN) is never stored: submit the BIN (first 6-8 digits)"
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}")
_BIC = re.compile(r"([A-Z]{4})([A-Z]{2})([A-Z0-9]{2})([A-Z0-9]{3})?")
# 12-19 digits, optionally grouped by single spaces or dashes as cards print them.
_CARD_NUMBER = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){11,18}(?![0-9])")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def mask_pan(digits: str) -> str:
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


def mask_card_numbers(text: str) -> str:
    """``text`` with every Luhn-valid 12-19 digit number masked (first 6 + last 4 kept)."""

    def masked(match: re.Match[str]) -> str:
        digits = match.group().replace(" ", "").replace("-", "")
        return mask_pan(digits) if luhn_valid(digits) else match.group()

    return _CARD_NUMBER.sub(masked, text)


def mod97(iban: str) -> int:
    """ISO 7064 MOD 97-10 over the IBAN with its first four characters moved to the end."""
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97


def looks_like_iban(text: str) -> bool:
    """True when ``text`` (upper-case, spaces allowed) is an IBAN; never raises."""
    compact = text.replace(" ", "")
    return (len(compact) == iban_length(compact[:2]) and _IBAN_SHAPE.fullmatch(compact)
            is not None and bban_pattern(compact[:2]).fullmatch(compact[4:]) is not None
            and mod97(compact) == 1)


def iban(value: str) -> str:
    """An IBAN without spaces, upper-case; country, length, BBAN format and the mod-97 check
    digits are verified. A leading "IBAN" label is dropped."""
    text = "".join(value.split()).upper()
    if text.startswith("IBAN") and text[4:6].isalpha():
        text = text[4:].lstrip(":")
    if not _IBAN_SHAPE.fullmatch(text):
        raise InvalidObservable(
            f"{value!r} is not an IBAN (country code, 2 check digits, then letters and digits)")
    country = text[:2]
    length = iban_length(country)
    if length is None:
        raise InvalidObservable(f"{value!r} is not an IBAN ({country} does not use IBAN)")
    if len(text) != length:
        raise InvalidObservable(
            f"{value!r} is not an IBAN ({country} IBANs have {length} characters, not "
            f"{len(text)})")
    if not bban_pattern(country).fullmatch(text[4:]):
        raise InvalidObservable(
            f"{value!r} is not an IBAN (the account part does not follow the {country} format)")
    if mod97(text) != 1:
        raise InvalidObservable(f"{value!r} is not an IBAN (check digits do not match)")
    return text


def bic(value: str) -> str:
    """A BIC (SWIFT code), upper-case. BIC8 and BIC8 + ``XXX`` (the primary office) denote
    the same institution, so the canonical form of both is the BIC8; other branches stay."""
    text = "".join(value.split()).upper()
    match = _BIC.fullmatch(text)
    if match is None:
        raise InvalidObservable(
            f"{value!r} is not a BIC (8 or 11 characters: 4-letter bank code, 2-letter country, "
            "2-character location, optional 3-character branch)")
    bank, country, location, branch = match.groups()
    if country not in COUNTRIES:
        raise InvalidObservable(f"{value!r} is not a BIC ({country} is not a country code)")
    return bank + country + location + (branch if branch and branch != "XXX" else "")


def card_bin(value: str) -> str:
    """A payment card BIN/IIN: 6 to 8 digits. A full card number is refused, masked."""
    digits = value.strip().replace(" ", "").replace("-", "")
    if not (digits.isdigit() and digits.isascii()):
        raise InvalidObservable(f"{mask_card_numbers(value)!r} is not a card BIN (6-8 digits)")
    if 12 <= len(digits) <= 19:
        masked = mask_pan(digits)
        raise InvalidObservable(f"{masked}: {PAN_REASON}", shown_value=masked)
    if not 6 <= len(digits) <= 8:
        raise InvalidObservable(f"{value!r} is not a card BIN (6-8 digits, not {len(digits)})")
    return digits
