"""BBAN formats per country from the SWIFT IBAN registry, and ISO 3166 country codes.

A BBAN format is a run of fields: ``n`` digits, ``a`` upper-case letters, ``c`` letters or
digits, each with its length (adjacent fields of one class merged). The IBAN is the country
code, two check digits and the BBAN, so its length follows from the format.
"""

from __future__ import annotations

import re
from functools import cache

_BBAN_TABLE = """
AD:n8c12 AE:n19 AL:n8c16 AT:n16 AZ:a4c20 BA:n16 BE:n12 BG:a4n6c8 BH:a4c14 BI:n23
BR:n23a1c1 BY:c4n4c16 CH:n5c12 CR:n18 CY:n8c16 CZ:n20 DE:n18 DJ:n23 DK:n14 DO:c4n20
EE:n16 EG:n25 ES:n20 FI:n14 FK:a2n12 FO:n14 FR:n10c11n2 GB:a4n14 GE:a2n16 GI:a4c15
GL:n14 GR:n7c16 GT:c24 HN:a4n20 HR:n17 HU:n24 IE:a4n14 IL:n19 IQ:a4n15 IS:n22
IT:a1n10c12 JO:a4n4c18 KW:a4c22 KZ:n3c13 LB:n4c20 LC:a4c24 LI:n5c12 LT:n16 LU:n3c13
LV:a4c13 LY:n21 MC:n10c11n2 MD:c20 ME:n18 MK:n3c10n2 MN:n16 MR:n23 MT:a4n5c18
MU:a4n19a3 NI:a4n20 NL:a4n10 NO:n11 OM:n3c16 PK:a4c16 PL:n24 PS:a4c21 PT:n21 QA:a4c21
RO:a4c16 RS:n18 RU:n14c15 SA:n2c18 SC:a4n20a3 SD:n14 SE:n20 SI:n15 SK:n20 SM:a1n10c12
SO:n19 ST:n21 SV:a4n20 TL:n19 TN:n20 TR:n6c16 UA:n6c19 VA:n18 VG:a4n16 XK:n16
YE:a4n4c18
"""
_BBAN_FORMATS = dict(entry.split(":") for entry in _BBAN_TABLE.split())
_FIELD = re.compile(r"([nac])([0-9]+)")
_CLASSES = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]"}

# ISO 3166-1 alpha-2, plus XK (Kosovo), which SWIFT and the IBAN registry use.
_COUNTRY_CODES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
VN VU WF WS XK YE YT ZA ZM ZW
"""
COUNTRIES = frozenset(_COUNTRY_CODES.split())


def iban_length(country: str) -> int | None:
    """The IBAN length for ``country``, or None when the country does not use IBAN."""
    layout = _BBAN_FORMATS.get(country)
    if layout is None:
        return None
    return 4 + sum(int(size) for _, size in _FIELD.findall(layout))


@cache
def bban_pattern(country: str) -> re.Pattern[str]:
    """The compiled BBAN format of a country that uses IBAN."""
    layout = _BBAN_FORMATS[country]
    return re.compile("".join(f"{_CLASSES[kind]}{{{size}}}" for kind, size in
                              _FIELD.findall(layout)))
