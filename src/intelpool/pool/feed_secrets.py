"""Feed credentials at rest: AES-256-GCM under the pool's secret key.

The key is INTELPOOL_SECRET_KEY (32 random bytes, URL-safe base64) or, on an embedded pool
without it, a key file beside the pool (``<pool file>.key``, mode 0600), made on first use.
A PostgreSQL pool has no file of its own to keep a key beside, so there a secret is only
stored once the setting is given.

Each secret is sealed to its feed's name and URL (GCM's associated data): copied to another
feed, or left behind when someone points the feed elsewhere in the database, it no longer
opens, so it is never sent to a server it was not given for.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from sqlalchemy import URL

from intelpool.errors import InvalidInput

PREFIX = "aes256gcm:"  # every sealed value starts so; anything else was stored in plain text
_NONCE = 12
_KEY_HINT = ('32 random bytes in URL-safe base64, e.g. from python -c "import base64, os; '
             'print(base64.urlsafe_b64encode(os.urandom(32)).decode())"')


class SecretKeyError(InvalidInput):
    """No key to store a secret with, or not the key a stored secret was sealed with."""


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_key(text: str, where: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise InvalidInput(f"{where} is not a secret key: it must be {_KEY_HINT}")
    return key


def key_file(url: URL) -> Path | None:
    """Where an embedded pool keeps its key; None for PostgreSQL or an in-memory pool."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(f"{url.database}.key")


def pool_key(url: URL, configured: str | None, *, create: bool, feed: str) -> bytes:
    """The key for the pool at ``url``: the setting when given, else the embedded pool's key
    file (made when ``create``)."""
    if configured:
        return parse_key(configured, "INTELPOOL_SECRET_KEY")
    path = key_file(url)
    if path is None:
        raise SecretKeyError(
            f"feed {feed!r}: a password or token is only stored encrypted, and this pool "
            "keeps no key file: set INTELPOOL_SECRET_KEY (" + _KEY_HINT + ")")
    if not path.exists():
        if not create:
            raise SecretKeyError(f"feed {feed!r}: its secret was stored encrypted, but the "
                                 f"key file {path} is missing and INTELPOOL_SECRET_KEY is "
                                 "not set: restore the key or add the feed again")
        _write_key_file(path)
    return parse_key(path.read_text(), f"the key file {path}")


def _write_key_file(path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use that one
        return
    with os.fdopen(fd, "w") as out:
        out.write(new_key() + "\n")


def seal(key: bytes, feed: str, url: str, secret: str) -> str:
    from Crypto.Cipher import AES

    nonce = os.urandom(_NONCE)
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
    cipher.update(_bound_to(feed, url))
    sealed, tag = cipher.encrypt_and_digest(secret.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + tag + sealed).decode()


def unseal(key: bytes, feed: str, url: str, stored: str) -> str:
    from Crypto.Cipher import AES

    try:
        raw = base64.urlsafe_b64decode(stored.removeprefix(PREFIX).encode())
        nonce, tag, sealed = raw[:_NONCE], raw[_NONCE:_NONCE + 16], raw[_NONCE + 16:]
        cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
        cipher.update(_bound_to(feed, url))
        return cipher.decrypt_and_verify(sealed, tag).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise SecretKeyError(
            f"feed {feed!r}: its stored secret does not open with this pool's key "
            "(INTELPOOL_SECRET_KEY, or the key file beside an embedded pool): set the key it "
            "was stored with, or add the feed again") from None


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def _bound_to(feed: str, url: str) -> bytes:
    return f"intelpool feed\x00{feed}\x00{url}".encode()
