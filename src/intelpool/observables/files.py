"""Canonical forms of host artefacts taken literally: file names, mutexes, user agents.

These values are not refanged: "[.]" or "(at)" in a file name is part of the name.
"""

from __future__ import annotations

import re
import unicodedata

from intelpool.observables.errors import InvalidObservable

_MAX_FILENAME_BYTES = 255  # NAME_MAX on common file systems
_MAX_MUTEX = 1024
_MAX_USER_AGENT = 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc
_CONTROL_NOT_SPACE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _control(text: str) -> str | None:
    """The first control character in ``text`` (as a code point), or None."""
    found = _CONTROL.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def filename(value: str) -> str:
    """A file's base name: a full path (``C:\\Users\\x\\evil.exe``, ``/var/lib/.x/evil``) is reduced
    to its last component, since the pool matches files by name. Case is kept (file systems
    differ); Unicode is NFC-normalised so the same name typed on different systems matches.
    Format characters such as U+202E (used to disguise extensions) are kept."""
    name = unicodedata.normalize("NFC", value.strip())
    base = name.replace("\\", "/").rpartition("/")[2]
    if not base:
        raise InvalidObservable(f"{value[:120]!r} is a directory path, not a file name")
    if base in (".", ".."):
        raise InvalidObservable(f"{value!r} is not a file name")
    control = _control(base)
    if control is not None:
        raise InvalidObservable(f"{value[:120]!r} is not a file name (control character "
                                f"{control})")
    if len(base.encode("utf-8")) > _MAX_FILENAME_BYTES:
        raise InvalidObservable(
            f"file name is longer than {_MAX_FILENAME_BYTES} bytes: {base[:60]!r}...")
    return base


def mutex(value: str) -> str:
    """A mutex (mutant) name, case kept: Windows object names are case-sensitive to malware
    that checks them. Namespace prefixes such as ``Global\\`` are part of the name."""
    name = value.strip()
    if not name:
        raise InvalidObservable("empty mutex name")
    control = _control(name)
    if control is not None:
        raise InvalidObservable(f"{value[:120]!r} is not a mutex name (control character "
                                f"{control})")
    if len(name) > _MAX_MUTEX:
        raise InvalidObservable(f"mutex name is longer than {_MAX_MUTEX} characters")
    return name


def user_agent(value: str) -> str:
    """An HTTP User-Agent string with runs of white space collapsed to one space."""
    # Control characters are refused before collapsing: str.split() takes some for spaces.
    control = _CONTROL_NOT_SPACE.search(value)
    text = " ".join(value.split())
    if not text:
        raise InvalidObservable("empty user agent")
    bad = control.group() if control else next(
        (char for char in text if not char.isprintable()), None)
    if bad is not None:
        raise InvalidObservable(f"{value[:120]!r} is not a user agent (non-printable "
                                f"character U+{ord(bad):04X})")
    if len(text) > _MAX_USER_AGENT:
        raise InvalidObservable(f"user agent is longer than {_MAX_USER_AGENT} characters")
    return text
