"""STIX patterns: the parser, and which comparisons become selectors."""

from __future__ import annotations

import pytest

from intelpool.formats.stix.patterns import (
    Comparison,
    Junction,
    Observation,
    ObservationJunction,
    PatternError,
    Qualified,
    _Parser,
    parse,
    quote,
)
from intelpool.formats.stix.selectors import Extraction, extract, pattern_for


def selectors(pattern: str) -> Extraction:
    return extract(parse(pattern))


def test_comparison_keeps_object_path_operator_and_text() -> None:
    tree = parse("[file:hashes.'SHA-256' = 'ab12']")
    assert tree == Observation(Comparison("file", ("hashes", "SHA-256"), "=", "ab12", False,
                                          "file:hashes.'SHA-256' = 'ab12'"))


@pytest.mark.parametrize("pattern", [
    "[ipv4-addr:value = '198.51.100.7']",
    "  [ domain-name:value=='evil.example'  ]  ",
    "[file:hashes.'SHA-256' = 'ab12']",
    "[file:hashes.MD5 = 'ab12']",
    r"[url:value = 'http://x.example/it\'s\\here']",
    "[x-custom_type:a.b-c.'d e' = '']",
])
def test_single_equalities_read_as_the_full_parser_reads_them(pattern: str) -> None:
    assert parse(pattern) == _Parser(pattern).pattern()


def test_a_bad_escape_in_a_single_equality_names_its_position() -> None:
    with pytest.raises(PatternError, match=r"invalid escape \\n at position 21"):
        parse(r"[url:value = 'http://\n']")


def test_quoted_strings_unescape_quote_and_backslash() -> None:
    tree = parse(r"[url:value = 'http://x.example/it\'s\\here']")
    assert isinstance(tree, Observation) and isinstance(tree.expression, Comparison)
    assert tree.expression.value == "http://x.example/it's\\here"


def test_quote_is_the_inverse_of_parsing_a_string() -> None:
    text = "a'b\\c"
    tree = parse(f"[mutex:name = {quote(text)}]")
    assert isinstance(tree, Observation) and isinstance(tree.expression, Comparison)
    assert tree.expression.value == text


def test_and_binds_tighter_than_or_at_both_levels() -> None:
    tree = parse("[a:x = 1 OR a:y = 2 AND a:z = 3] OR [b:x = 1] AND [c:x = 2]")
    assert isinstance(tree, ObservationJunction) and tree.operator == "OR"
    first, second = tree.items
    assert isinstance(first, Observation) and isinstance(first.expression, Junction)
    assert first.expression.operator == "OR"
    assert isinstance(first.expression.items[1], Junction)
    assert isinstance(second, ObservationJunction) and second.operator == "AND"


def test_qualifiers_wrap_the_observation_expression() -> None:
    tree = parse("([a:x = 1] AND [b:y = 2]) WITHIN 300 SECONDS")
    assert isinstance(tree, Qualified) and tree.qualifier == "WITHIN 300 SECONDS"
    tree = parse("[a:x = 1] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00Z'")
    assert isinstance(tree, Qualified) and tree.qualifier.startswith("START t'2024")


def test_set_literals_list_indexes_and_exists_parse() -> None:
    parse("[ipv4-addr:value IN ('192.0.2.1', '192.0.2.2')]")
    parse("[email-message:body_multipart[*].body_raw_ref.name NOT LIKE 'a%']")
    parse("[windows-registry-key:values[0].data = h'ff00' AND EXISTS process:pid]")


@pytest.mark.parametrize(("pattern", "message"), [
    ("[ipv4-addr:value = '1.2.3.4'", "expected ']' closing the observation expression at "
                                     "position 28, found end of pattern"),
    ("[ipv4-addr:value = 'unterminated]", "unterminated string starting at position 19"),
    (r"[url:value = 'a\nb']", r"invalid escape \n at position 15"),
    ("[ipv4-addr value = '1']", "expected ':' after the object type at position 11"),
    ("[a:b = 1] and [c:d = 2]", "expected AND, OR, FOLLOWEDBY or the end at position 10"),
    ("[a:b ~ 1]", "unexpected character '~' at position 5"),
])
def test_syntax_errors_name_the_position(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=message.replace("[", r"\[").replace("\\n", r"\\n")):
        parse(pattern)


def test_simple_equalities_joined_by_or_and_and_all_become_selectors() -> None:
    found = selectors("[ipv4-addr:value = '192.0.2.1' OR domain-name:value = 'c2.example.com']"
                      " AND [url:value = 'http://c2.example.com/a'] OR "
                      "[email-addr:value = 'a@example.org']")
    assert found.found == [("ipv4", "192.0.2.1"), ("domain", "c2.example.com"),
                           ("url", "http://c2.example.com/a"), ("email", "a@example.org")]
    assert found.unread == []


@pytest.mark.parametrize(("path", "kind"), [
    ("file:hashes.MD5", "md5"), ("file:hashes.md5", "md5"), ("file:hashes.'SHA-1'", "sha1"),
    ("file:hashes.SHA256", "sha256"), ("file:hashes.'SHA-512'", "sha512"),
    ("file:hashes.SSDEEP", "ssdeep"), ("artifact:hashes.'SHA-256'", "sha256"),
    ("x509-certificate:hashes.'SHA-1'", "x509-fingerprint"), ("file:name", "filename"),
    ("mutex:name", "mutex"), ("email-message:from_ref.value", "email"),
    ("x-intelpool-iban:value", "iban"),
    ("network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'", "user-agent"),
])
def test_object_paths_map_to_selector_types(path: str, kind: str) -> None:
    assert selectors(f"[{path} = 'v']").found == [(kind, "v")]


def test_addresses_blocks_and_as_numbers() -> None:
    found = selectors("[ipv4-addr:value = '198.51.100.0/24' OR ipv6-addr:value = '2001:db8::1'"
                      " OR ipv4-addr:value ISSUBSET '203.0.113.0/24' OR "
                      "autonomous-system:number = 64500]")
    assert found.found == [("cidr", "198.51.100.0/24"), ("ipv6", "2001:db8::1"),
                           ("cidr", "203.0.113.0/24"), ("asn", "AS64500")]


def test_in_names_every_member_of_the_set() -> None:
    assert selectors("[domain-name:value IN ('a.example', 'b.example')]").found == [
        ("domain", "a.example"), ("domain", "b.example")]


def test_address_and_port_together_are_one_endpoint() -> None:
    found = selectors("[network-traffic:dst_ref.type = 'ipv6-addr' AND "
                      "network-traffic:dst_ref.value = '2001:db8::5' AND "
                      "network-traffic:dst_port = 443]")
    assert (found.found, found.unread) == ([("ip-port", "[2001:db8::5]:443")], [])


def test_account_type_and_login_together_are_a_handle() -> None:
    found = selectors("[user-account:account_type = 'exploit.in' AND "
                      "user-account:account_login = 'salty']")
    assert (found.found, found.unread) == ([("handle", "exploit.in:salty")], [])


def test_a_port_alone_names_nothing() -> None:
    found = selectors("[network-traffic:dst_port = 443]")
    assert found.found == []
    assert found.unread == [("network-traffic:dst_port = 443",
                             "network-traffic:dst_port names no selector on its own")]


def test_comparisons_that_are_not_simple_are_reported_with_the_reason() -> None:
    found = selectors("[email-message:subject MATCHES '^Invoice' OR "
                      "ipv4-addr:value != '192.0.2.9' OR ipv4-addr:value NOT = '192.0.2.8' OR "
                      "process:name = 'evil.exe' OR domain-name:value = 'ok.example']")
    assert found.found == [("domain", "ok.example")]
    assert found.unread == [
        ("email-message:subject MATCHES '^Invoice'", "operator MATCHES is not a simple equality"),
        ("ipv4-addr:value != '192.0.2.9'", "operator != is not a simple equality"),
        ("ipv4-addr:value NOT = '192.0.2.8'", "operator NOT = is not a simple equality"),
        ("process:name = 'evil.exe'", "process:name object path is not one intelpool reads"),
    ]


def test_qualified_and_sequenced_observations_are_not_extracted() -> None:
    found = selectors("[ipv4-addr:value = '192.0.2.1'] REPEATS 5 TIMES OR "
                      "([domain-name:value = 'a.example'] FOLLOWEDBY [url:value = 'http://b/'])"
                      " OR [domain-name:value = 'kept.example']")
    assert found.found == [("domain", "kept.example")]
    assert [r for _, r in found.unread] == [
        "qualifier 'REPEATS 5 TIMES' makes it more than a simple comparison",
        "observations joined by FOLLOWEDBY are a sequence, not simple comparisons",
        "observations joined by FOLLOWEDBY are a sequence, not simple comparisons",
    ]


@pytest.mark.parametrize(("kind", "value"), [
    ("ipv4", "192.0.2.1"), ("ipv6", "2001:db8::1"), ("cidr", "10.0.0.0/8"),
    ("cidr", "2001:db8::/32"), ("domain", "x.example"), ("url", "http://x.example/it's"),
    ("email", "a@x.example"), ("md5", "0" * 32), ("sha1", "1" * 40), ("sha256", "2" * 64),
    ("sha512", "3" * 128), ("ssdeep", "3:abc:def"), ("tlsh", "T1" + "a" * 70),
    ("filename", "in'voice.exe"), ("mutex", "Global\\m"), ("asn", "AS64500"),
    ("x509-fingerprint", "4" * 40), ("user-agent", "Mozilla/5.0"),
    ("ip-port", "192.0.2.1:443"), ("ip-port", "[2001:db8::1]:8443"),
    ("handle", "exploit.in:salty"), ("btc-wallet", "bc1qexample"),
    ("iban", "DE89370400440532013000"),
])
def test_written_patterns_read_back_as_the_same_selector(kind: str, value: str) -> None:
    found = selectors(pattern_for(kind, value))
    assert (found.found, found.unread) == ([(kind, value)], [])
