"""parse_selector as importers and search use it."""

from __future__ import annotations

import pytest

from intelpool.observables import InvalidObservable, ObservableType, parse_selector
from intelpool.observables.registry import CANONICALISERS


def test_every_type_has_a_canonicaliser() -> None:
    assert set(CANONICALISERS) == set(ObservableType)


def test_returned_type_is_the_stored_name() -> None:
    kind, value = parse_selector("192.0.2.1")
    assert (kind, value) == ("ipv4", "192.0.2.1") and type(kind) is str


@pytest.mark.parametrize("hint", ["ipv4", "IPv4", " IPV4 ", ObservableType.IPV4])
def test_type_hint_names_are_case_insensitive(hint: str) -> None:
    assert parse_selector("192.0.2.1", hint) == ("ipv4", "192.0.2.1")


def test_unknown_type_hint_is_refused() -> None:
    with pytest.raises(InvalidObservable, match="unknown observable type 'ip-dst'"):
        parse_selector("192.0.2.1", "ip-dst")


def test_type_hint_overrides_detection() -> None:
    assert parse_selector("da39a3ee5e6b4b0d3255bfef95601890afd80709", "x509-fingerprint") == (
        "x509-fingerprint", "da39a3ee5e6b4b0d3255bfef95601890afd80709")


@pytest.mark.parametrize("value", ["", "   ", "\u200b"])
def test_empty_values_are_refused(value: str) -> None:
    with pytest.raises(InvalidObservable, match="empty value"):
        parse_selector(value)


def test_unrecognised_value_names_itself_in_the_reason() -> None:
    with pytest.raises(InvalidObservable, match="'hello world' is not a selector of any known"):
        parse_selector("hello world")


def test_literal_types_are_not_refanged() -> None:
    assert parse_selector("a[.]b (at) c", "mutex") == ("mutex", "a[.]b (at) c")
    assert parse_selector("a[.]b.example", "domain") == ("domain", "a.b.example")


def test_oversized_input_is_refused_before_parsing() -> None:
    with pytest.raises(InvalidObservable, match="longer than 65536 characters"):
        parse_selector("a" * 70000 + ".com")


def test_reasons_quoting_a_long_line_are_cut() -> None:
    with pytest.raises(InvalidObservable) as caught:
        parse_selector("a" * 5000 + ".c0m")
    assert len(str(caught.value)) <= 503


def test_a_card_number_at_the_cut_of_a_reason_is_still_masked() -> None:
    value = "x " * 95 + "4111111111111111 more text"
    with pytest.raises(InvalidObservable) as caught:
        parse_selector(value)
    assert "4111111111" not in str(caught.value)
    assert caught.value.shown_value is not None and "411111******1111" in caught.value.shown_value
