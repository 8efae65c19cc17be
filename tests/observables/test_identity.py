"""Phone numbers and forum or messenger handles."""

from __future__ import annotations

import pytest

from intelpool.observables import InvalidObservable, parse_selector


def canonical(value: str, kind: str) -> str:
    return parse_selector(value, kind)[1]


@pytest.mark.parametrize("value", [
    "+4915123456789",
    "+49 151 23456789",
    "+49 (0)151 234-567-89",
    "0049.151.234.567.89",
    "tel:+49-151-23456789",
])
def test_phone_spellings_share_one_form(value: str) -> None:
    assert canonical(value, "phone") == "+4915123456789"


@pytest.mark.parametrize(("value", "reason"), [
    ("015123456789", "has no country code: give the number in international form"),
    ("(0151) 23456789", "has no country code"),
    ("+49 151 2345 ext 6", "only digits after the \\+"),
    ("+0123456789", "no country code starts with 0"),
    ("+4912345", "8 to 15 digits, not 7"),
    ("+4915123456789012", "8 to 15 digits, not 16"),
])
def test_phone_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "phone")


@pytest.mark.parametrize(("value", "expected"), [
    ("telegram:@SomeOne", "telegram:someone"),
    ("Telegram:someone", "telegram:someone"),
    ("tg:@someone", "telegram:someone"),
    ("twitter:@Some_One", "twitter:some_one"),
    ("x.com:some_one", "twitter:some_one"),
    ("github:Some-User", "github:some-user"),
    ("exploit.in:Seller42", "exploit.in:Seller42"),  # forum: case kept
    ("XSS.is: Big  Seller ", "xss.is:Big Seller"),
    ("jabber:Seller@Jabber.example.org/laptop", "jabber:seller@jabber.example.org"),
    ("xmpp:seller@jabber.example.org", "jabber:seller@jabber.example.org"),
    ("discord:Old Name#1234", "discord:Old Name#1234"),  # legacy tags kept as given
    ("discord:New.Name", "discord:new.name"),
    ("mastodon:@Someone@Infosec.Exchange", "mastodon:someone@infosec.exchange"),
])
def test_handle_canonical(value: str, expected: str) -> None:
    assert canonical(value, "handle") == expected


@pytest.mark.parametrize(("value", "reason"), [
    ("@someone", "name the platform: telegram:@someone"),
    ("someone", "a handle needs its platform"),
    ("telegram:", "is not a handle"),
    ("telegram:no spaces", "not a valid telegram account name"),
    ("jabber:noserver", "not a Jabber address"),
    ("jabber:a@bad..server", "not a Jabber address: .*empty label"),
    ("https://t.me/someone", "is a URL, not platform:name"),
    ("bad platform:name", "is not a platform name"),
])
def test_handle_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidObservable, match=reason):
        parse_selector(value, "handle")
