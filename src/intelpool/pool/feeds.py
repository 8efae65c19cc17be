"""Remote feeds pulled into the pool: TAXII 2.1 collections and MISP feeds.

A pull fetches only what is new since the last one and submits it as one contribution of the
feed's user through the normal import path. Each source succeeds or fails on its own: a
failure is recorded on the source, the pool is left as it was, and the next pull retries.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson
from sqlalchemy import Connection, Engine, RowMapping, insert, select, update

from intelpool.access import Permission, Principal, require
from intelpool.access.handling import HandlingRequest, decide_handling
from intelpool.audit import service as audit
from intelpool.config import Settings
from intelpool.db.tables import feed_sources, users
from intelpool.db.types import storable_text, utcnow
from intelpool.errors import Conflict, IntelpoolError, InvalidInput, NotFound
from intelpool.partners.identity import principal_for_email
from intelpool.pool import feed_fetch, feed_secrets, ingest
from intelpool.pool.themes import parse_themes


@dataclass(frozen=True, slots=True)
class FeedView:
    name: str
    kind: str
    url: str
    collection: str | None
    user: str
    tlp: str
    audience: list[str]
    themes: list[str]
    last_pull_at: datetime | None
    last_count: int | None
    total_count: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class PullResult:
    name: str
    ok: bool
    fetched: int = 0
    contribution_id: int | None = None
    accepted: int = 0
    rejected: int = 0
    error: str | None = None


def add_feed(conn: Connection, user: Principal, name: str, *, kind: str, url: str,
             collection: str | None, username: str | None, secret: str | None, bearer: bool,
             tlp: str, audience: list[str], themes: list[str],
             settings: Settings | None = None) -> FeedView:
    """Register a source whose data ``user`` contributes; the handling must be one the pool
    accepts. Its password or token is stored encrypted (``feed_secrets``)."""
    require(user, Permission.POOL_SUBMIT)
    if kind == "taxii" and not collection:
        raise InvalidInput("a TAXII feed needs its collection id")
    if not url.startswith(("http://", "https://")):
        raise InvalidInput(f"{url!r} is not an http(s) URL")
    storable_text(feed_sources.c.name, name, "a feed name")
    decide_handling(HandlingRequest(tlp=tlp, audience=audience))
    themes = parse_themes(themes)
    if conn.execute(select(feed_sources.c.id).where(feed_sources.c.name == name)).first():
        raise Conflict(f"feed {name!r} already exists")
    if secret:
        key = _key(conn, settings or Settings(), name, create=True)
        secret = feed_secrets.seal(key, name, url, secret)
    conn.execute(insert(feed_sources).values(
        name=name, kind=kind, url=url, collection=collection, user_id=user.user_id,
        username=username or (user.email if kind == "taxii" else None), secret=secret or None,
        bearer=bearer, tlp=tlp, audience=orjson.dumps(audience).decode(),
        themes=orjson.dumps(themes).decode(), total_count=0))
    audit.record(conn, user, "feed.add", subject_type="feed", subject_id=name,
                 subject_organisation_id=user.organisation_id,
                 detail={"kind": kind, "url": url, "collection": collection})
    return list_feeds(conn, user, name)[0]


def list_feeds(conn: Connection, principal: Principal, name: str | None = None
               ) -> list[FeedView]:
    query = select(feed_sources, users.c.email, users.c.organisation_id).join(
        users, users.c.id == feed_sources.c.user_id).order_by(feed_sources.c.name)
    # The console operator and host admins see every source; others their organisation's.
    if Permission.PARTNERS_MANAGE not in principal.permissions:
        require(principal, Permission.POOL_READ)
        query = query.where(users.c.organisation_id == principal.organisation_id)
    if name is not None:
        query = query.where(feed_sources.c.name == name)
    rows = conn.execute(query).mappings().all()
    if name is not None and not rows:
        raise NotFound(f"no feed {name!r}")
    return [FeedView(r["name"], r["kind"], r["url"], r["collection"], r["email"], r["tlp"],
                     orjson.loads(r["audience"]), orjson.loads(r["themes"]),
                     r["last_pull_at"], r["last_count"], r["total_count"], r["last_error"])
            for r in rows]


def pull(engine: Engine, principal: Principal, name: str | None, settings: Settings,
         on_result: Callable[[PullResult], None] | None = None) -> list[PullResult]:
    """Pull every source the caller manages (or the one named), each in its own
    transaction."""
    with engine.begin() as conn:
        names = [f.name for f in list_feeds(conn, principal, name)]
    results = []
    for feed in names:
        result = _pull_one(engine, principal, feed, settings)
        results.append(result)
        if on_result:
            on_result(result)
    return results


def _pull_one(engine: Engine, principal: Principal, name: str,
              settings: Settings) -> PullResult:
    fd, tmp = tempfile.mkstemp(prefix="intelpool-feed-", suffix=".json",
                               dir=settings.api_upload_dir)
    path = Path(tmp)
    try:
        with engine.begin() as conn:
            row = conn.execute(select(feed_sources, users.c.email).join(
                users, users.c.id == feed_sources.c.user_id).where(
                feed_sources.c.name == name)).mappings().one()
            remote = feed_fetch.Remote(row["url"], row["collection"], row["username"],
                                       _secret(conn, row, settings), bool(row["bearer"]))
            fetch = feed_fetch.taxii if row["kind"] == "taxii" else feed_fetch.misp_feed
            with os.fdopen(fd, "wb") as out:
                fetched = fetch(remote, row["cursor"], out)
            result = PullResult(name, True, fetched.objects)
            if fetched.objects:
                result = _submit(conn, row, path, fetched.objects, settings)
            conn.execute(update(feed_sources).where(feed_sources.c.name == name).values(
                cursor=fetched.cursor, last_pull_at=utcnow(), last_count=fetched.objects,
                total_count=feed_sources.c.total_count + fetched.objects, last_error=None))
            audit.record(conn, principal, "feed.pull", subject_type="feed", subject_id=name,
                         detail={"fetched": fetched.objects,
                                 "contribution": result.contribution_id})
            return result
    except IntelpoolError as exc:
        # The transaction above rolled back: nothing of this pull is stored.
        with engine.begin() as conn:
            conn.execute(update(feed_sources).where(feed_sources.c.name == name).values(
                last_error=str(exc), last_error_at=utcnow()))
        return PullResult(name, False, error=str(exc))
    finally:
        path.unlink(missing_ok=True)


def _key(conn: Connection, settings: Settings, feed: str, *, create: bool) -> bytes:
    configured = settings.secret_key.get_secret_value() if settings.secret_key else None
    return feed_secrets.pool_key(conn.engine.url, configured, create=create, feed=feed)


def _secret(conn: Connection, row: RowMapping, settings: Settings) -> str | None:
    """The feed's password or token, opened with the pool's key."""
    stored = row["secret"]
    if not stored:
        return None
    name, url = str(row["name"]), str(row["url"])
    return feed_secrets.unseal(_key(conn, settings, name, create=False), name, url, stored)


def _submit(conn: Connection, r: RowMapping, path: Path, fetched: int,
            settings: Settings) -> PullResult:
    user = principal_for_email(conn, str(r["email"]))
    submission = ingest.Submission(
        path=path, format="stix" if r["kind"] == "taxii" else "misp",
        handling=HandlingRequest(tlp=str(r["tlp"]), audience=orjson.loads(r["audience"])),
        themes=orjson.loads(r["themes"]), source_name=f"feed {r['name']}")
    summary = ingest.submit(conn, user, submission, batch_size=settings.ingest_batch_size,
                            settings=settings)
    return PullResult(str(r["name"]), True, fetched, summary.contribution_id,
                      summary.accepted, summary.rejected)
