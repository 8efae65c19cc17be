"""Who may manage what: roles, host admins, token scopes; and tokens kept hashed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from intelpool.access import Permission
from intelpool.db.tables import tokens
from intelpool.db.types import utcnow
from intelpool.errors import Forbidden, InvalidInput
from intelpool.partners import identity
from intelpool.partners import service as partners
from tests import factories as f
from tests.conftest import Store


def test_org_admin_manages_only_its_own_users(store: Store) -> None:
    with store.begin() as conn:
        admin = f.member(conn, "Police DE", role="admin")
        f.org(conn, "Police FR", country="FR")
        partners.add_user(conn, admin, "new@police-de.example", "Police DE", "reader")
        with pytest.raises(Forbidden, match="own organisation"):
            partners.add_user(conn, admin, "x@police-fr.example", "Police FR", "reader")
        with pytest.raises(Forbidden, match="partners:manage"):
            partners.add_organisation(conn, admin, "Rogue", "other", None)
        with pytest.raises(Forbidden, match="partners:manage"):
            partners.add_group(conn, admin, "Mine", ["Police DE"])


def test_host_admin_manages_organisations_and_groups(store: Store) -> None:
    with store.begin() as conn:
        host = f.member(conn, "Host Centre", kind="host", role="admin")
        partners.add_organisation(conn, host, "Bank NL", "private", "nl")
        group = partners.add_group(conn, host, "Banks", ["Bank NL"])
        partners.add_user(conn, host, "a@bank.example", "Bank NL", "admin")
        with pytest.raises(InvalidInput, match="already has its host"):
            partners.add_organisation(conn, host, "Second Host", "host", None)
        with pytest.raises(InvalidInput, match="already exists"):
            partners.add_group(conn, host, "Banks", [])
        # Names longer than the store holds are refused with a reason on both stores.
        with pytest.raises(InvalidInput, match="organisation name is longer than 200"):
            partners.add_organisation(conn, host, "B" * 201, "private", "nl")
        with pytest.raises(InvalidInput, match="sharing group name is longer than 200"):
            partners.add_group(conn, host, "G" * 201, [])
        with pytest.raises(InvalidInput, match="e-mail address is longer than 320"):
            partners.add_user(conn, host, "a" * 320 + "@bank.example", "Bank NL", "reader")
    assert group.members == ("Bank NL",)


def test_analysts_manage_nothing(store: Store) -> None:
    with store.begin() as conn:
        analyst = f.member(conn, "Police DE", role="analyst")
        with pytest.raises(Forbidden):
            partners.add_user(conn, analyst, "x@police-de.example", "Police DE", "reader")
        with pytest.raises(Forbidden):
            identity.create_token(conn, analyst, analyst.email, expires_days=None, scopes=[])


def test_token_is_stored_hashed_and_narrows_to_its_scopes(store: Store) -> None:
    with store.begin() as conn:
        admin = f.member(conn, "Police DE", role="admin")
        token = identity.create_token(conn, admin, admin.email, expires_days=5,
                                      scopes=["read"])
        stored = conn.execute(select(tokens.c.token_hash)).scalars().all()
        principal = identity.principal_for_token(conn, token.secret)
    assert token.secret not in stored and identity.hash_token(token.secret) in stored
    assert Permission.POOL_READ in principal.permissions
    assert Permission.POOL_SUBMIT not in principal.permissions
    assert Permission.ORG_USERS_MANAGE not in principal.permissions


def test_expired_revoked_and_unknown_tokens_are_refused(store: Store) -> None:
    with store.begin() as conn:
        admin = f.member(conn, "Police DE", role="admin")
        expired = identity.create_token(conn, admin, admin.email, expires_days=1, scopes=[])
        conn.execute(update(tokens).where(tokens.c.id == expired.id)
                     .values(expires_at=utcnow() - timedelta(seconds=1)))
        revoked = identity.create_token(conn, admin, admin.email, expires_days=None, scopes=[])
        identity.revoke_token(conn, admin, revoked.id)
        for secret, reason in ((expired.secret, "expired"), (revoked.secret, "invalid"),
                               ("ipt_made-up", "invalid")):
            with pytest.raises(Forbidden, match=reason):
                identity.principal_for_token(conn, secret)


def test_scopes_never_widen_a_role(store: Store) -> None:
    with store.begin() as conn:
        reader = f.member(conn, "Police DE", role="reader")
        token = identity.create_token(conn, f.OPERATOR, reader.email, expires_days=None,
                                      scopes=["read", "submit", "admin"])
        principal = identity.principal_for_token(conn, token.secret)
    assert principal.permissions == {Permission.POOL_READ}
