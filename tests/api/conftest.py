"""An app over the test store, tokens for its users, and a small seeded world."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from intelpool.access import Principal
from intelpool.api.app import create_app
from intelpool.config import Settings
from intelpool.partners import identity
from tests import factories as f
from tests.conftest import Store

Headers = dict[str, str]


def token(store: Store, email: str, scopes: list[str] | None = None) -> Headers:
    with store.begin() as conn:
        issued = identity.create_token(conn, f.OPERATOR, email, expires_days=1,
                                       scopes=scopes or ["read", "submit", "admin"])
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store.engine)) as test_client:
        yield test_client


def make_client(store: Store, **settings: object) -> TestClient:
    return TestClient(create_app(store.engine, Settings(**settings)))  # type: ignore[arg-type]


@dataclass
class World:
    """Host admin, police (originator), bank (named audience), stranger; tokens for each."""

    host: Headers
    police: Headers
    bank: Headers
    stranger: Headers
    police_user: Principal
    bank_user: Principal
    secret_id: int  # police's amber contribution, shared with the bank only
    bank_id: int  # the bank's own contribution, holding the same selector (a hit)


@pytest.fixture
def world(store: Store, tmp_path: Path) -> World:
    with store.begin() as conn:
        f.member(conn, "Host Centre", kind="host", role="admin")
        police = f.member(conn, "Police DE", role="admin")
        bank = f.member(conn, "Bank NL", kind="private", role="admin")
        f.member(conn, "Stranger FR", role="admin")
        secret = f.submit_lines(conn, police, tmp_path, ["45.137.21.9", "evil-c2.net"],
                                tlp="amber", audience=["org:Bank NL"], themes=["botnet"])
        own = f.submit_lines(conn, bank, tmp_path, ["45.137.21.9"], tlp="amber")
    return World(
        host=token(store, "admin@host-centre.example"),
        police=token(store, police.email), bank=token(store, bank.email),
        stranger=token(store, "admin@stranger-fr.example"),
        police_user=police, bank_user=bank,
        secret_id=secret.contribution_id, bank_id=own.contribution_id,
    )
