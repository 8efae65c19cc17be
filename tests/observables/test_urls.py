"""URLs and e-mail addresses."""

from __future__ import annotations

import pytest

from intelpool.observables import InvalidObservable, parse_selector
from intelpool.observables.urls import _canonical_url, url


def canonical(value: str, kind: str) -> str:
    return parse_selector(value, kind)[1]


@pytest.mark.parametrize(("value", "expected"), [
    ("HTTP://Example.COM", "http://example.com/"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443/a?", "https://example.com/a"),
    ("https://example.com:8443/a?b=1#frag", "https://example.com:8443/a?b=1"),
    ("http://example.com:/x", "http://example.com/x"),
    ("example.com/login.php", "http://example.com/login.php"),
    ("hxxps[:]//evil[.]example[.]com/a", "https://evil.example.com/a"),
    ("http://192.0.2.1/x", "http://192.0.2.1/x"),
    ("http://[2001:DB8::1]:8080/", "http://[2001:db8::1]:8080/"),
    ("http://user:pw@Example.com/x", "http://user:pw@example.com/x"),
    ("http://intranet/share", "http://intranet/share"),
    ("http://example.com/a%7eb%2fc", "http://example.com/a~b%2Fc"),
    ("http://bücher.example/pfad/ä?q=ü", "http://xn--bcher-kva.example/pfad/%C3%A4?q=%C3%BC"),
    ("ftp://example.com:21/pub", "ftp://example.com/pub"),
    ("tcp://example.com:4444", "tcp://example.com:4444/"),
])
def test_url_canonical(value: str, expected: str) -> None:
    assert canonical(value, "url") == expected


@pytest.mark.parametrize("value", [
    "https://login-1.bank42.com/verify/ab12.php?id=1",
    "http://a.example/",
    "ftp://files.example.org/pub/x.tar.gz",
    "https://x.example/a?",
    "https://x.example/a??b",
    "https://under_score.example/x!$&'()*+,;=:@[]{}|^`~",
    "https://" + "a" * 63 + "." + ("b" * 63 + ".") * 2 + "c" * 60 + ".com/",
    "https://" + ("a" * 63 + ".") * 4 + "com/",
])
def test_canonical_urls_pass_through_as_the_full_canonicaliser_makes_them(value: str) -> None:
    try:
        expected: str | type[InvalidObservable] = _canonical_url(value, value)
    except InvalidObservable:
        expected = InvalidObservable
    if expected is InvalidObservable:
        with pytest.raises(InvalidObservable):
            url(value)
    else:
        assert url(value) == expected


def test_url_forms_of_one_address_match() -> None:
    forms = ["http://bücher.example/ä", "http://xn--bcher-kva.example/%c3%a4",
             "HTTP://BÜCHER.EXAMPLE:80/%C3%A4#top"]
    assert {canonical(form, "url") for form in forms} == {"http://xn--bcher-kva.example/%C3%A4"}


@pytest.mark.parametrize(("value", "reason"), [
    ("n/a", "'n/a' is not a URL: 'n' is not a domain"),
    ("intranet/share", "is not a URL: 'intranet' is not a domain"),  # no scheme: no bare hosts
    ("http://www..example.com/", "an empty label"),
    ("http://example.com:0/", "port 0 is outside 1-65535"),
    ("http://example.com:99999/", "is not a URL"),
    ("http://exa mple.com/", "contains white space"),
    ("http:///path", "no host"),
])
def test_url_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "url")


def test_url_over_the_stored_limit_is_refused() -> None:
    with pytest.raises(InvalidObservable, match="longer than 2048 bytes"):
        parse_selector("http://example.com/" + "a" * 3000, "url")


@pytest.mark.parametrize(("value", "expected"), [
    ("John.Doe@Example.COM", "john.doe@example.com"),
    ("mailto:someone@example.com?subject=hi", "someone@example.com"),
    ("<someone@example.com>", "someone@example.com"),
    ("someone[at]example[dot]com", "someone@example.com"),
    ("someone@[192.0.2.1]", "someone@[192.0.2.1]"),
    ("someone@[IPv6:2001:db8::1]", "someone@[2001:db8::1]"),
    ("first+tag@sub.example.com", "first+tag@sub.example.com"),
])
def test_email_canonical(value: str, expected: str) -> None:
    assert canonical(value, "email") == expected


@pytest.mark.parametrize(("value", "reason"), [
    ("user@host", "'user@host' is not an e-mail address: 'host' is not a domain"),
    ("@example.com", "needs local@domain"),
    ("user@", "needs local@domain"),
    ("a b@example.com", "bad local part"),
    (".a@example.com", "dot at the start"),
    ("a..b@example.com", "two dots in a row"),
    ("a" * 65 + "@example.com", "bad local part"),
])
def test_email_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "email")
