"""Tokens and principals: who a request or a console command acts as."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import Connection, bindparam, insert, select, update

from intelpool.access import Permission, Principal, Role, require
from intelpool.access.permissions import Scope, permissions_for
from intelpool.audit import service as audit
from intelpool.db.tables import organisations, tokens, users
from intelpool.db.types import utcnow
from intelpool.errors import Forbidden, InvalidInput, NotFound
from intelpool.partners.models import IssuedToken, TokenInfo
from intelpool.partners.service import require_manages_users_of

TOKEN_PREFIX = "ipt_"
LAST_USED_PRECISION = timedelta(minutes=1)  # how fresh a token's last_used_at is kept


def hash_token(secret: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def _user_row(conn: Connection, email: str) -> dict[str, object]:
    row = conn.execute(
        select(users.c.id, users.c.email, users.c.role, users.c.active,
               users.c.organisation_id, organisations.c.name, organisations.c.kind)
        .join(organisations, organisations.c.id == users.c.organisation_id)
        .where(users.c.email == email.strip().lower())
    ).mappings().first()
    if row is None:
        raise NotFound(f"no user {email!r}")
    return dict(row)


def _principal(row: dict[str, object], scopes: frozenset[Scope] | None) -> Principal:
    role = Role(str(row["role"]))
    return Principal(
        user_id=int(row["id"]),  # type: ignore[call-overload]
        email=str(row["email"]),
        organisation_id=int(row["organisation_id"]),  # type: ignore[call-overload]
        organisation_name=str(row["name"]),
        role=role,
        permissions=permissions_for(role, host_organisation=row["kind"] == "host", scopes=scopes),
    )


def principal_for_email(conn: Connection, email: str) -> Principal:
    """The console acts as a user with the full permissions of the user's role."""
    row = _user_row(conn, email)
    if not row["active"]:
        raise Forbidden(f"user {email!r} is deactivated")
    return _principal(row, None)


# The token and its user in one statement, built once: every API request runs it.
_TOKEN_USER = (
    select(tokens.c.id.label("token_id"), tokens.c.revoked_at, tokens.c.expires_at,
           tokens.c.last_used_at, tokens.c.scopes, users.c.id, users.c.email, users.c.role,
           users.c.active, users.c.organisation_id, organisations.c.name,
           organisations.c.kind)
    .join(users, users.c.id == tokens.c.user_id)
    .join(organisations, organisations.c.id == users.c.organisation_id)
    .where(tokens.c.token_hash == bindparam("token_hash"))
)
_TOKEN_USED = (update(tokens).where(tokens.c.id == bindparam("token_id"))
               .values(last_used_at=bindparam("now")))


def principal_for_token(conn: Connection, secret: str) -> Principal:
    """The principal a bearer token stands for, narrowed to the token's scopes."""
    now = utcnow()
    row = conn.execute(_TOKEN_USER, {"token_hash": hash_token(secret)}).mappings().first()
    if row is None or row["revoked_at"] is not None:
        raise Forbidden("invalid token")
    if row["expires_at"] is not None and row["expires_at"] <= now:
        raise Forbidden("token expired")
    if not row["active"]:
        raise Forbidden("invalid token")
    last = row["last_used_at"]
    if last is None or now - last > LAST_USED_PRECISION:
        # A write per request would serialise every API call on the embedded store.
        conn.execute(_TOKEN_USED, {"token_id": row["token_id"], "now": now})
    scopes = frozenset(Scope(s) for s in str(row["scopes"]).split())
    return _principal(dict(row), scopes)


def create_token(
    conn: Connection,
    principal: Principal,
    email: str,
    *,
    expires_days: int | None,
    scopes: list[str],
) -> IssuedToken:
    user = _user_row(conn, email)
    require_manages_users_of(principal, int(user["organisation_id"]))  # type: ignore[call-overload]
    try:
        scope_set = tuple(sorted({Scope(s).value for s in (scopes or ["read"])}))
    except ValueError as exc:
        raise InvalidInput(f"unknown scope ({exc}): use read, submit or admin") from None
    if expires_days is not None and expires_days <= 0:
        raise InvalidInput(f"expiry {expires_days} days: give a positive number of days")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(days=expires_days) if expires_days else None
    token_id = conn.execute(
        insert(tokens).values(
            user_id=user["id"], token_hash=hash_token(secret), prefix=secret[:10],
            scopes=" ".join(scope_set), created_at=utcnow(), expires_at=expires_at,
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    audit.record(conn, principal, "token.create", subject_type="token", subject_id=token_id,
                 subject_organisation_id=int(user["organisation_id"]),  # type: ignore[call-overload]
                 detail={"user": user["email"], "scopes": list(scope_set),
                         "expires_at": expires_at.isoformat() if expires_at else None})
    return IssuedToken(token_id, secret, str(user["email"]), scope_set, expires_at)


def revoke_token(conn: Connection, principal: Principal, token_id: int) -> None:
    row = conn.execute(
        select(tokens.c.id, users.c.organisation_id)
        .join(users, users.c.id == tokens.c.user_id)
        .where(tokens.c.id == token_id)
    ).first()
    if row is None:
        raise NotFound(f"no token {token_id}")
    require_manages_users_of(principal, row.organisation_id)
    conn.execute(update(tokens).where(tokens.c.id == token_id).values(revoked_at=utcnow()))
    audit.record(conn, principal, "token.revoke", subject_type="token", subject_id=token_id,
                 subject_organisation_id=row.organisation_id)


def list_tokens(conn: Connection, principal: Principal) -> list[TokenInfo]:
    """Tokens of the users the principal manages (its own organisation's, or all for hosts)."""
    query = (select(tokens, users.c.email, users.c.organisation_id)
             .join(users, users.c.id == tokens.c.user_id))
    if Permission.PARTNERS_MANAGE not in principal.permissions:
        require(principal, Permission.ORG_USERS_MANAGE)
        query = query.where(users.c.organisation_id == principal.organisation_id)
    return [TokenInfo(r["id"], r["email"], r["prefix"], tuple(str(r["scopes"]).split()),
                      r["created_at"], r["expires_at"], r["last_used_at"], r["revoked_at"])
            for r in conn.execute(query.order_by(tokens.c.id.desc())).mappings()]
