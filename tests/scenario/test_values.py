"""Scenario value makers: valid check digits, unique values, distinct address blocks."""

from __future__ import annotations

import pytest

from intelpool.observables import parse_selector
from intelpool.scenario import finance
from intelpool.scenario.values import NAMESPACES, Namer, Netblocks


def test_iban_check_digits_match_the_published_example() -> None:
    assert finance.iban("DE", "37040044", "0532013000") == "DE89370400440532013000"
    assert finance.iban_is_valid("DE89370400440532013000")
    assert not finance.iban_is_valid("DE88370400440532013000")


@pytest.mark.parametrize("country", finance.IBAN_COUNTRIES)
def test_generated_ibans_pass_the_pools_validation(country: str) -> None:
    namer = Namer()
    for index in range(20):
        value = finance.iban(country, finance.bank_code(country, index), namer.digits(0, 10))
        assert finance.iban_is_valid(value)
        assert parse_selector(value, "iban") == ("iban", value)


def test_bitcoin_encoders_reproduce_the_bip_vectors() -> None:
    program = bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6")
    assert finance.segwit_address("bc", 0, program) == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    assert finance.base58check(0, bytes(20)) == "1111111111111111111114oLvT2"
    assert finance.btc_address("p2pkh", program) == "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"


@pytest.mark.parametrize("style", ["p2pkh", "p2sh", "p2wpkh"])
def test_generated_wallets_pass_the_pools_checksum_validation(style: str) -> None:
    for n in range(20):
        address = finance.btc_address(style, bytes([n]) * 20)
        assert parse_selector(address, "btc-wallet")[1] == address


def test_namespaces_never_share_a_value() -> None:
    namer = Namer()
    words = [namer.word(ns, 3) for _ in range(60) for ns in range(NAMESPACES)]
    digits = [namer.digits(ns, 10) for _ in range(60) for ns in range(NAMESPACES)]
    assert len(set(words)) == len(words)
    assert len(set(digits)) == len(digits)


def test_a_namespace_refuses_to_wrap_around() -> None:
    namer = Namer()
    with pytest.raises(ValueError, match="exhausted"):
        for _ in range(80**2):
            namer.word(0, 2)


def test_netblocks_are_distinct_public_looking_and_hand_out_distinct_hosts() -> None:
    netblocks = Netblocks()
    blocks = [netblocks.block() for _ in range(3000)]
    assert len({b.cidr for b in blocks}) == 3000
    first_octets = {int(b.prefix.split(".")[0]) for b in blocks}
    assert not first_octets & {0, 1, 8, 9, 10, 100, 127, 169, 172, 192, 198, 203, 224, 240}
    hosts = [blocks[0].host() for _ in range(254)]
    assert len(set(hosts)) == 254 and blocks[0].full
