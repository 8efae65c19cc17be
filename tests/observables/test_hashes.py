"""File hashes, fuzzy hashes, JA3 and certificate fingerprints."""

from __future__ import annotations

import hashlib

import pytest

from intelpool.observables import InvalidObservable, parse_selector

SHA512_EMPTY = hashlib.sha512(b"").hexdigest()
SSDEEP = "1536:qJhDLw1yDhhzoN/e/C/O/C/a/D/I26251K06Zk/XrqqitM4NvL:qvfw1ahEVOS+Sq7IN251ikzq5tM4NvL"
TLSH_BODY = "9E4A3B7C1D2F0A589E4A3B7C1D2F0A589E4A3B7C1D2F0A589E4A3B7C1D2F0A589E4A3B"


def canonical(value: str, kind: str) -> str:
    return parse_selector(value, kind)[1]


@pytest.mark.parametrize(("kind", "digest"), [
    ("md5", hashlib.md5(b"x").hexdigest()),
    ("sha1", hashlib.sha1(b"x").hexdigest()),
    ("sha256", hashlib.sha256(b"x").hexdigest()),
    ("sha512", SHA512_EMPTY),
])
def test_hex_digests_are_lower_case(kind: str, digest: str) -> None:
    assert canonical(digest.upper(), kind) == digest


@pytest.mark.parametrize(("value", "reason"), [
    (SHA512_EMPTY[:-1], "128 hex digits"),
    (SHA512_EMPTY[:-1] + "g", "128 hex digits"),
])
def test_sha512_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "sha512")


def test_ssdeep_kept_as_given_and_unwrapped() -> None:
    assert canonical(SSDEEP, "ssdeep") == SSDEEP
    wrapped = SSDEEP[:40] + "\r\n" + SSDEEP[40:]  # exports wrap long values
    assert canonical(wrapped, "ssdeep") == SSDEEP
    assert canonical(SSDEEP + ',"sample.exe"', "ssdeep") == SSDEEP
    assert canonical("3::", "ssdeep") == "3::"  # the digest of an empty file


@pytest.mark.parametrize(("value", "reason"), [
    ("1536:abc", "blocksize:hash:hash"),
    ("1000:abc:def", r"block size 1000 is not 3 \* 2\^n"),
    ("96:ab$c:def", "blocksize:hash:hash"),
    ("96:" + "a" * 65 + ":b", "at most 64"),
])
def test_ssdeep_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "ssdeep")


def test_tlsh_canonical_has_the_version_prefix_and_upper_case() -> None:
    assert canonical("t1" + TLSH_BODY.lower(), "tlsh") == "T1" + TLSH_BODY
    assert canonical(TLSH_BODY.lower(), "tlsh") == "T1" + TLSH_BODY  # legacy, no prefix


@pytest.mark.parametrize("value", [TLSH_BODY[:-2], "T2" + TLSH_BODY, TLSH_BODY[:-1] + "X"])
def test_tlsh_invalid(value: str) -> None:
    with pytest.raises(InvalidObservable, match="T1 and 70 hex digits"):
        parse_selector(value, "tlsh")


def test_ja3_digest_and_ja3_string_give_the_same_fingerprint() -> None:
    ja3_string = "771,4865-4866-4867-49195,0-23-65281-10-11,29-23-24,0"
    digest = hashlib.md5(ja3_string.encode()).hexdigest()
    assert canonical(ja3_string, "ja3") == digest
    assert canonical(digest.upper(), "ja3") == digest


def test_ja3s_string_is_hashed_too() -> None:
    ja3s_string = "771,49199,65281-0-11-35-16"
    assert canonical(ja3s_string, "ja3") == hashlib.md5(ja3s_string.encode()).hexdigest()


def test_ja3_invalid() -> None:
    with pytest.raises(InvalidObservable, match="MD5 of the JA3 string"):
        parse_selector("not-a-ja3", "ja3")


@pytest.mark.parametrize("value", [
    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01",
    "abcdef0123456789abcdef0123456789abcdef01",
    "SHA1 Fingerprint=AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01",
])
def test_x509_sha1_fingerprint_forms(value: str) -> None:
    assert canonical(value, "x509-fingerprint") == "abcdef0123456789abcdef0123456789abcdef01"


def test_x509_sha256_fingerprint() -> None:
    digest = hashlib.sha256(b"cert").hexdigest()
    colons = ":".join(digest[i:i + 2] for i in range(0, 64, 2)).upper()
    assert canonical(colons, "x509-fingerprint") == digest


@pytest.mark.parametrize(("value", "reason"), [
    (hashlib.md5(b"cert").hexdigest(), "MD5 certificate fingerprints are not accepted"),
    ("abcdef", "SHA-1: 40 or SHA-256: 64 hex digits"),
])
def test_x509_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "x509-fingerprint")
