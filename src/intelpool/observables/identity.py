"""Canonical forms of selectors naming a person's account: phone numbers and handles."""

from __future__ import annotations

import re

from intelpool.observables.errors import InvalidObservable
from intelpool.observables.names import hostname

_PHONE_SEPARATORS = str.maketrans("", "", " \t\u00a0-./()")
_PLATFORM = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MAX_HANDLE = 256
PLATFORM_ALIASES = {
    "tg": "telegram", "t.me": "telegram", "telegram.org": "telegram",
    "xmpp": "jabber", "twitter.com": "twitter", "x.com": "twitter", "x": "twitter",
    "github.com": "github", "discord.com": "discord", "discordapp.com": "discord",
    "instagram.com": "instagram", "reddit.com": "reddit", "tiktok.com": "tiktok",
}
# Platforms that compare account names case-insensitively: their canonical name is
# lower-case. Elsewhere (forums, unknown platforms) the case is kept as given.
_NAME_RULES = {
    "telegram": re.compile(r"[a-z0-9_]{3,32}|[0-9]{5,20}"),
    "twitter": re.compile(r"[a-z0-9_]{1,50}"),
    "github": re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38})"),
    "gitlab": re.compile(r"[a-z0-9_.-]{1,255}"),
    "instagram": re.compile(r"[a-z0-9_.]{1,30}"),
    "tiktok": re.compile(r"[a-z0-9_.]{1,24}"),
    "reddit": re.compile(r"[a-z0-9_-]{3,20}"),
    "keybase": re.compile(r"[a-z0-9_]{2,16}"),
}
KNOWN_PLATFORMS = frozenset({*PLATFORM_ALIASES, *PLATFORM_ALIASES.values(), *_NAME_RULES,
                             "jabber", "discord", "mastodon", "skype", "icq", "wickr",
                             "session", "signal", "tox", "threema", "whatsapp"})
_DISCORD_LEGACY = re.compile(r".{2,32}#[0-9]{4}")
_DISCORD = re.compile(r"[a-z0-9_.]{2,32}|[0-9]{17,20}")


def phone(value: str) -> str:
    """An E.164 number: ``+``, country code and subscriber number, 8 to 15 digits. Spaces,
    dashes, dots, parentheses, a ``tel:`` prefix, ``00`` for ``+`` and the domestic trunk
    ``(0)`` in "+49 (0)151 ..." are accepted in the input."""
    text = value.strip()
    if text[:4].lower() == "tel:":
        text = text[4:]
    compact = text.replace("(0)", "", 1).translate(_PHONE_SEPARATORS)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not compact.startswith("+"):
        raise InvalidObservable(
            f"{value!r} has no country code: give the number in international form, e.g. "
            "+4915123456789")
    digits = compact[1:]
    if not (digits.isdigit() and digits.isascii()):
        raise InvalidObservable(f"{value!r} is not a phone number (only digits after the +)")
    if digits[0] == "0":
        raise InvalidObservable(f"{value!r} is not a phone number (no country code starts "
                                "with 0)")
    if not 8 <= len(digits) <= 15:
        raise InvalidObservable(f"{value!r} is not an E.164 phone number (8 to 15 digits, not "
                                f"{len(digits)})")
    return "+" + digits


def _jabber(name: str, value: str) -> str:
    """A bare JID: local part and server lower-cased, the per-session resource dropped."""
    bare = name.partition("/")[0]
    local, at, server = bare.rpartition("@")
    if not at or not local:
        raise InvalidObservable(f"{value!r} is not a Jabber address (user@server)")
    try:
        return f"{local.lower()}@{hostname(server)}"
    except InvalidObservable as exc:
        raise InvalidObservable(f"{value!r} is not a Jabber address: {exc}") from None


def _name(platform: str, name: str, value: str) -> str:
    if platform == "jabber":
        return _jabber(name, value)
    if platform == "mastodon":
        return name.lower()  # user@instance, both parts case-insensitive
    if platform == "discord":
        if _DISCORD_LEGACY.fullmatch(name):
            return name  # pre-2023 "Name#1234" tags were case-sensitive
        name = name.lower()
        if not _DISCORD.fullmatch(name):
            raise InvalidObservable(f"{value!r} is not a Discord user name")
        return name
    rule = _NAME_RULES.get(platform)
    if rule is None:
        return name
    if not rule.fullmatch(name.lower()):
        raise InvalidObservable(f"{value!r} is not a valid {platform} account name")
    return name.lower()


def handle(value: str) -> str:
    """``platform:name`` for a forum or messenger account, e.g. ``telegram:@someone``,
    ``exploit.in:seller42``, ``jabber:x@y.org``. The platform is lower-cased and common
    aliases are resolved (``tg`` -> ``telegram``, ``xmpp`` -> ``jabber``); a leading "@"
    of the name is a mention marker and dropped; inner white space is collapsed."""
    text = value.strip()
    platform, sep, name = text.partition(":")
    if not sep:
        if text.startswith("@"):
            raise InvalidObservable(f"{value!r}: name the platform: telegram:{text}")
        raise InvalidObservable(
            f"{value!r}: a handle needs its platform, e.g. telegram:@name or exploit.in:name")
    platform = platform.strip().lower()
    platform = PLATFORM_ALIASES.get(platform, platform)
    if not _PLATFORM.fullmatch(platform):
        raise InvalidObservable(f"{value!r}: {platform!r} is not a platform name")
    name = " ".join(name.split()).removeprefix("@").strip()
    if name.startswith("//"):
        raise InvalidObservable(f"{value!r} is a URL, not platform:name")
    if not name or _CONTROL.search(name) or len(name) > _MAX_HANDLE:
        raise InvalidObservable(
            f"{value[:120]!r} is not a handle (empty, too long or with control characters)")
    return f"{platform}:{_name(platform, name, value)}"
