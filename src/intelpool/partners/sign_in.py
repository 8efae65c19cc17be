"""Passwords (argon2id) and the signed-in browser sessions of the web interface.

A session's secret lives only in the browser's cookie; the store keeps its SHA-256, like a
token's. Each session carries its own CSRF token, which every form and htmx request returns.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, insert, select, update

from intelpool.access import Principal
from intelpool.access.permissions import Scope
from intelpool.audit import service as audit
from intelpool.db.tables import organisations, tokens, users, web_sessions
from intelpool.db.types import utcnow
from intelpool.errors import Forbidden, InvalidInput
from intelpool.partners.identity import (
    _principal,
    _user_row,
    hash_token,
    principal_for_token,
)
from intelpool.partners.service import require_manages_users_of

MIN_PASSWORD_LENGTH = 12
SESSION_HOURS = 12  # a session ends this long after it was opened, whatever it does
IDLE_HOURS = 2  # ... or after this long without a request
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Compared against when the e-mail is unknown, so a wrong address costs as much as a wrong
# password and timing does not tell which users exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class OpenedSession:
    secret: str  # goes into the cookie, never stored
    csrf_token: str
    principal: Principal


@dataclass(frozen=True, slots=True)
class SessionState:
    principal: Principal
    csrf_token: str


def set_password(conn: Connection, principal: Principal, email: str, password: str) -> None:
    """Set a user's password: the user, its organisation's admins, or the console operator."""
    user = _user_row(conn, email)
    if principal.user_id != user["id"]:
        require_manages_users_of(principal, int(user["organisation_id"]))  # type: ignore[call-overload]
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    conn.execute(update(users).where(users.c.id == user["id"])
                 .values(password_hash=_hasher.hash(password)))
    # A new password ends the sessions opened with the old one.
    conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user["id"]))
    audit.record(conn, principal, "user.password", subject_type="user", subject_id=user["id"],
                 subject_organisation_id=int(user["organisation_id"]),  # type: ignore[call-overload]
                 detail={"email": user["email"]})


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def sign_in_with_password(conn: Connection, email: str, password: str) -> OpenedSession:
    """A new session for the user, or Forbidden with the same words for every failure."""
    row = conn.execute(
        select(users.c.id, users.c.email, users.c.role, users.c.active, users.c.password_hash,
               users.c.organisation_id, organisations.c.name, organisations.c.kind)
        .join(organisations, organisations.c.id == users.c.organisation_id)
        .where(users.c.email == email.strip().lower())
    ).mappings().first()
    stored = row["password_hash"] if row is not None else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password)
        ok = row is not None and stored is not None and bool(row["active"])
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None:
        raise Forbidden("wrong e-mail or password")
    if _hasher.check_needs_rehash(str(stored)):
        conn.execute(update(users).where(users.c.id == row["id"])
                     .values(password_hash=_hasher.hash(password)))
    return _open(conn, _principal(dict(row), None), None, "password")


def sign_in_with_token(conn: Connection, secret: str) -> OpenedSession:
    """A session standing for an API token: the token's scopes narrow it as they do the API."""
    principal = principal_for_token(conn, secret.strip())
    scopes = conn.execute(select(tokens.c.scopes).where(
        tokens.c.token_hash == hash_token(secret.strip()))).scalar_one()
    return _open(conn, principal, str(scopes), "token")


def _open(conn: Connection, principal: Principal, scopes: str | None,
          method: str) -> OpenedSession:
    secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    # Sessions that ran out are swept here, so the table holds only live ones and a few idle.
    conn.execute(delete(web_sessions).where(web_sessions.c.expires_at <= now))
    conn.execute(insert(web_sessions).values(
        session_hash=_digest(secret), user_id=principal.user_id, scopes=scopes,
        csrf_token=csrf, created_at=now, expires_at=now + timedelta(hours=SESSION_HOURS),
        last_seen_at=now))
    audit.record(conn, principal, "session.sign-in", subject_type="user",
                 subject_id=principal.user_id,
                 subject_organisation_id=principal.organisation_id, detail={"with": method})
    return OpenedSession(secret, csrf, principal)


def session_state(conn: Connection, secret: str) -> SessionState | None:
    """The principal behind a session cookie, or None when it is unknown, expired or idle."""
    now = utcnow()
    row = conn.execute(
        select(web_sessions.c.id, web_sessions.c.scopes, web_sessions.c.csrf_token,
               web_sessions.c.expires_at, web_sessions.c.last_seen_at, users.c.id.label("uid"),
               users.c.email, users.c.role, users.c.active, users.c.organisation_id,
               organisations.c.name, organisations.c.kind)
        .join(users, users.c.id == web_sessions.c.user_id)
        .join(organisations, organisations.c.id == users.c.organisation_id)
        .where(web_sessions.c.session_hash == _digest(secret))
    ).mappings().first()
    if row is None:
        return None
    if (row["expires_at"] <= now or row["last_seen_at"] + timedelta(hours=IDLE_HOURS) <= now
            or not row["active"]):
        conn.execute(delete(web_sessions).where(web_sessions.c.id == row["id"]))
        return None
    if (now - row["last_seen_at"]).total_seconds() > 60:  # one write a minute at most
        conn.execute(update(web_sessions).where(web_sessions.c.id == row["id"])
                     .values(last_seen_at=now))
    scopes = (frozenset(Scope(s) for s in str(row["scopes"]).split())
              if row["scopes"] is not None else None)
    user = {**dict(row), "id": row["uid"]}
    return SessionState(_principal(user, scopes), str(row["csrf_token"]))


def sign_out(conn: Connection, secret: str) -> None:
    state = session_state(conn, secret)
    conn.execute(delete(web_sessions).where(web_sessions.c.session_hash == _digest(secret)))
    if state is not None:
        audit.record(conn, state.principal, "session.sign-out", subject_type="user",
                     subject_id=state.principal.user_id,
                     subject_organisation_id=state.principal.organisation_id)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
