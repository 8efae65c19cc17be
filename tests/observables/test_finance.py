"""IBAN, BIC and card BIN; full card numbers are refused and never echoed."""

from __future__ import annotations

import pytest

from intelpool.observables import InvalidObservable, parse_selector

PAN = "4111111111111111"  # the well-known Visa test number (passes Luhn)
PAN_MASKED = "411111******1111"


def canonical(value: str, kind: str) -> str:
    return parse_selector(value, kind)[1]


# Examples from the SWIFT IBAN registry.
@pytest.mark.parametrize(("value", "expected"), [
    ("DE89370400440532013000", "DE89370400440532013000"),
    ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
    ("GB82WEST12345698765432", "GB82WEST12345698765432"),
    ("gb82 west 1234 5698 7654 32", "GB82WEST12345698765432"),
    ("IBAN FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),
    ("NL91ABNA0417164300", "NL91ABNA0417164300"),
    ("NO9386011117947", "NO9386011117947"),
    ("MT84MALT011000012345MTLCAST001S", "MT84MALT011000012345MTLCAST001S"),
    ("CH9300762011623852957", "CH9300762011623852957"),
])
def test_iban_canonical(value: str, expected: str) -> None:
    assert canonical(value, "iban") == expected


@pytest.mark.parametrize(("value", "reason"), [
    ("DE89370400440532013001", "check digits do not match"),
    ("DE8937040044053201300", "DE IBANs have 22 characters, not 21"),
    ("US89370400440532013000", "US does not use IBAN"),
    ("GB82WEST1234569876543X", "does not follow the GB format"),
    ("DE", "country code, 2 check digits"),
])
def test_iban_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "iban")


@pytest.mark.parametrize(("value", "expected"), [
    ("DEUTDEFF", "DEUTDEFF"),
    ("deutdeff", "DEUTDEFF"),
    ("DEUTDEFFXXX", "DEUTDEFF"),  # the primary office is the institution itself
    ("DEUTDEFF500", "DEUTDEFF500"),
    ("NEDS ZA JJ XXX", "NEDSZAJJ"),
])
def test_bic_canonical(value: str, expected: str) -> None:
    assert canonical(value, "bic") == expected


@pytest.mark.parametrize(("value", "reason"), [
    ("DEUTDEF", "8 or 11 characters"),
    ("DEUTDEFF50", "8 or 11 characters"),
    ("DEU1DEFF", "4-letter bank code"),
    ("DEUTQQFF", "QQ is not a country code"),
])
def test_bic_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "bic")


@pytest.mark.parametrize(("value", "expected"), [
    ("411111", "411111"),
    ("4111 1111", "41111111"),
    ("5355-22", "535522"),
])
def test_card_bin_canonical(value: str, expected: str) -> None:
    assert canonical(value, "card-bin") == expected


@pytest.mark.parametrize("value", [PAN, "4111 1111 1111 1111", "4111-1111-1111-1111"])
def test_full_card_number_as_bin_is_refused_masked(value: str) -> None:
    with pytest.raises(InvalidObservable) as caught:
        parse_selector(value, "card-bin")
    reason = str(caught.value)
    assert "a full payment card number (PAN) is never stored: submit the BIN" in reason
    assert PAN_MASKED in reason and PAN not in reason
    assert caught.value.shown_value == PAN_MASKED


def test_untyped_card_number_is_refused_masked() -> None:
    with pytest.raises(InvalidObservable) as caught:
        parse_selector(PAN)
    assert "(PAN) is never stored" in str(caught.value)
    assert PAN not in str(caught.value)
    assert caught.value.shown_value == PAN_MASKED


def test_card_number_in_a_wrong_typed_value_is_masked_in_the_reason() -> None:
    with pytest.raises(InvalidObservable) as caught:
        parse_selector("+" + PAN, "phone")
    assert PAN not in str(caught.value)
    assert caught.value.shown_value == "+" + PAN_MASKED
    with pytest.raises(InvalidObservable) as caught:
        parse_selector(f"card {PAN} exp 12/30")
    assert PAN not in str(caught.value) and PAN_MASKED in str(caught.value)


@pytest.mark.parametrize(("value", "reason"), [
    ("41111", "6-8 digits, not 5"),
    ("411111111", "6-8 digits, not 9"),
    ("41111a", "is not a card BIN"),
])
def test_card_bin_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "card-bin")
