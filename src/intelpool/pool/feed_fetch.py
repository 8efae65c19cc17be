"""Fetching what is new from a remote source into one local file, all or nothing.

A TAXII collection is paged with ``added_after`` and ``next``; a MISP feed is read through
its ``manifest.json``. Everything is written to disk first: when any request fails, the pull
fails as a whole and nothing is submitted.
"""

from __future__ import annotations

import base64
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import IO, Any

import orjson

from intelpool.errors import IntelpoolError

TAXII = "application/taxii+json;version=2.1"
_TIMEOUT = 60


class FetchError(IntelpoolError):
    """A remote source could not be read; the pull is retried next time."""


@dataclass(frozen=True, slots=True)
class Remote:
    url: str
    collection: str | None
    username: str | None
    secret: str | None
    bearer: bool


@dataclass(slots=True)
class Fetched:
    objects: int = 0  # STIX objects or MISP events written
    cursor: str | None = None  # where the next pull starts


def _get(remote: Remote, url: str, accept: str) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    if remote.secret and remote.bearer:
        request.add_header("Authorization", f"Bearer {remote.secret}")
    elif remote.secret:
        pair = f"{remote.username or ''}:{remote.secret}".encode()
        request.add_header("Authorization", f"Basic {base64.b64encode(pair).decode()}")
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
            return response.read(), {k.lower(): v for k, v in response.headers.items()}
    except (OSError, ValueError) as exc:
        raise FetchError(f"cannot read {url}: {exc}") from None


def _json(data: bytes, url: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FetchError(f"{url} did not answer JSON: {exc}") from None


def taxii(remote: Remote, cursor: str | None, out: IO[bytes]) -> Fetched:
    """The collection's objects added after ``cursor``, as one STIX bundle."""
    base = f"{remote.url.rstrip('/')}/collections/{remote.collection}/objects/"
    fetched = Fetched(cursor=cursor)
    params: dict[str, str] = {"added_after": cursor} if cursor else {}
    out.write(b'{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000000",'
              b'"objects":[')
    while True:
        url = f"{base}?{urllib.parse.urlencode(params)}" if params else base
        data, headers = _get(remote, url, TAXII)
        envelope = _json(data, url)
        if not isinstance(envelope, dict):
            raise FetchError(f"{url} did not answer a TAXII envelope")
        for obj in envelope.get("objects") or []:
            out.write((b"," if fetched.objects else b"") + orjson.dumps(obj))
            fetched.objects += 1
        last = headers.get("x-taxii-date-added-last")
        if last and (fetched.cursor is None or last > fetched.cursor):
            fetched.cursor = last
        if not envelope.get("more") or not envelope.get("next"):
            break
        params = {**params, "next": str(envelope["next"])}
    out.write(b"]}")
    return fetched


def misp_feed(remote: Remote, cursor: str | None, out: IO[bytes]) -> Fetched:
    """The feed's events newer than ``cursor`` (a manifest timestamp), as a list of events."""
    base = remote.url.rstrip("/")
    manifest = _json(_get(remote, f"{base}/manifest.json", "application/json")[0],
                     f"{base}/manifest.json")
    if not isinstance(manifest, dict):
        raise FetchError(f"{base}/manifest.json is not a MISP feed manifest")
    since = int(cursor or 0)
    wanted = sorted((int(meta.get("timestamp", 0)), uuid) for uuid, meta in manifest.items()
                    if isinstance(meta, dict) and int(meta.get("timestamp", 0)) > since)
    fetched = Fetched(cursor=cursor)
    out.write(b"[")
    for stamp, uuid in wanted:
        url = f"{base}/{uuid}.json"
        event = _json(_get(remote, url, "application/json")[0], url)
        out.write((b"," if fetched.objects else b"") + orjson.dumps(event))
        fetched.objects += 1
        fetched.cursor = str(max(stamp, int(fetched.cursor or 0)))
    out.write(b"]")
    return fetched
