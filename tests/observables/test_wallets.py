"""Cryptocurrency addresses, checked against the published test vectors."""

from __future__ import annotations

import pytest

from intelpool.observables import InvalidObservable, parse_selector


def canonical(value: str, kind: str) -> str:
    return parse_selector(value, kind)[1]


# BIP-173 / BIP-350 mainnet vectors (valid segwit addresses).
SEGWIT_VALID = [
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
    "BC1SW50QGDZ25J",
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
]


@pytest.mark.parametrize("address", SEGWIT_VALID)
def test_bech32_and_bech32m_vectors_are_accepted_lower_case(address: str) -> None:
    assert canonical(address, "btc-wallet") == address.lower()


# BIP-350 invalid vectors, with the reason each must fail for.
@pytest.mark.parametrize(("address", "reason"), [
    ("tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut", "expected 1..., 3..."),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "checksum mismatch"),
    ("BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", "checksum mismatch"),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "checksum mismatch"),
    ("bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4", "malformed Bech32"),
    ("BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", "witness version 17"),
    ("bc1pw5dgrnzv", "bad witness program"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
     "bad witness program"),
    ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "bad witness program"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vQzk5jj0", "malformed Bech32"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", "bad witness program"),
    ("bc1gmk9yu", "empty data"),
    ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "prefix tb1"),
])
def test_bip350_invalid_vectors_are_refused(address: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(address, "btc-wallet")


@pytest.mark.parametrize("address", [
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",  # P2PKH (the genesis block address)
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",  # P2SH (the BIP-16 example)
])
def test_base58check_addresses_are_kept_as_given(address: str) -> None:
    assert canonical(address, "btc-wallet") == address


@pytest.mark.parametrize(("address", "reason"), [
    ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "checksum mismatch"),
    ("1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf0a", "not Base58"),
    ("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", "testnet"),
    ("xyz", "expected 1..., 3... or bc1..."),
])
def test_base58check_invalid(address: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(address, "btc-wallet")


# EIP-55 examples: all-caps, all-lower and checksummed mixed case.
EIP55 = [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize("address", EIP55)
def test_eip55_examples_are_accepted_lower_case(address: str) -> None:
    assert canonical(address, "eth-wallet") == "0x" + address[2:].lower()


def test_eth_without_prefix_gets_it() -> None:
    assert canonical("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "eth-wallet") == (
        "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")


@pytest.mark.parametrize(("address", "reason"), [
    ("0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "EIP-55 checksum"),  # one letter flipped
    ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "0x and 40 hex digits"),
    ("0xZZAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x and 40 hex digits"),
])
def test_eth_invalid(address: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(address, "eth-wallet")


# Standard and integrated addresses from the Monero documentation (docs.getmonero.org,
# "public address"), the Monero general fund address, and a subaddress.
XMR_STANDARD = ("4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45D"
                "J852K5Jv2684Rge")
XMR_INTEGRATED = ("4LL9oSLmtpccfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY4"
                  "5DJ852K5Jv2bYXZKKQePHES9khPK")
XMR_GENERAL_FUND = ("44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VB"
                    "BEt7f2wfn3RVGQBEP3A")
XMR_SUBADDRESS = ("8C5zHM5ud8nGC4hC2ULiBLSWx9infi8JUUmWEat4fcTf8J4H38iWYVdFmPCA9UmfLTZxD43RsyKnGE"
                  "dZkoGij6csDeUnbEB")


@pytest.mark.parametrize("address", [XMR_STANDARD, XMR_INTEGRATED, XMR_GENERAL_FUND,
                                     XMR_SUBADDRESS])
def test_monero_addresses_are_kept_as_given(address: str) -> None:
    assert canonical(address, "xmr-wallet") == address


@pytest.mark.parametrize(("address", "reason"), [
    (XMR_STANDARD[:-1] + "f", "checksum mismatch"),
    (XMR_STANDARD[:-1], "95 or 106 characters"),
    (XMR_STANDARD[:-1] + "0", "not Monero Base58"),
])
def test_monero_invalid(address: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(address, "xmr-wallet")
