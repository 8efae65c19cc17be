"""Passwords, sessions, CSRF and the sign-in limit of the web interface, on both stores."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from intelpool.api.app import create_app
from intelpool.cli.main import app as cli
from intelpool.db.tables import users, web_sessions
from intelpool.db.types import utcnow
from intelpool.errors import Forbidden, InvalidInput
from intelpool.partners import sign_in
from intelpool.web.core import SESSION_COOKIE
from tests import factories as f
from tests.conftest import Store
from tests.web.helpers import PASSWORD, build_pool, csrf_of, password_user, signed_in


def test_passwords_are_argon2id_hashes_and_sign_in_checks_them(store: Store) -> None:
    with store.begin() as conn:
        f.org(conn, "Police DE")
        email = password_user(conn, "Police DE")
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        opened = sign_in.sign_in_with_password(conn, email.upper(), PASSWORD)
        assert opened.principal.email == email
        with pytest.raises(Forbidden, match="wrong e-mail or password"):
            sign_in.sign_in_with_password(conn, email, "not the password")
        with pytest.raises(Forbidden, match="wrong e-mail or password"):
            sign_in.sign_in_with_password(conn, "nobody@nowhere.example", PASSWORD)
        with pytest.raises(InvalidInput, match="at least 12"):
            sign_in.set_password(conn, f.OPERATOR, email, "short")


def test_user_passwd_reads_the_password_from_stdin(store: Store) -> None:
    with store.begin() as conn:
        f.member(conn, "Police DE")
    result = CliRunner().invoke(cli, ["user", "passwd", "analyst@police-de.example",
                                      "--password-stdin", "--db", store.url],
                                input="a fresh password 1\n")
    assert result.exit_code == 0, result.output
    with store.begin() as conn:
        assert sign_in.sign_in_with_password(conn, "analyst@police-de.example",
                                             "a fresh password 1").principal


def test_sign_in_sets_a_strict_cookie_and_sign_out_ends_the_session(
        store: Store, tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    client = TestClient(create_app(store.engine))
    assert client.get("/contributions").url.path == "/sign-in"
    form = client.get("/sign-in")
    response = client.post("/sign-in", data={"csrf": csrf_of(form.text), "email": pool.bank,
                                             "password": PASSWORD, "next": "/contributions"},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/contributions"
    cookie = next(h for h in response.headers.get_list("set-cookie")
                  if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    page = client.get("/contributions")
    assert page.status_code == 200 and "Bank phishing panel" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    client.post("/sign-out", data={"csrf": csrf_of(page.text)})
    assert client.get("/contributions").url.path == "/sign-in"
    with store.begin() as conn:
        assert conn.execute(select(func.count()).select_from(web_sessions)).scalar_one() == 0


def test_sign_in_goes_only_to_paths_of_this_site(store: Store, tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    client = TestClient(create_app(store.engine))
    form = client.get("/sign-in")
    response = client.post("/sign-in", data={"csrf": csrf_of(form.text), "email": pool.bank,
                                             "password": PASSWORD,
                                             "next": "//evil.example/x"},
                           follow_redirects=False)
    assert response.headers["location"] == "/"


def test_expired_and_idle_sessions_sign_out(store: Store, tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    client = signed_in(store.engine, pool.bank)
    with store.begin() as conn:
        conn.execute(update(web_sessions).values(
            last_seen_at=utcnow() - timedelta(hours=sign_in.IDLE_HOURS, minutes=1)))
    assert client.get("/").url.path == "/sign-in"
    client = signed_in(store.engine, pool.bank)
    with store.begin() as conn:
        conn.execute(update(web_sessions).values(expires_at=utcnow()))
    assert client.get("/").url.path == "/sign-in"


def test_failed_sign_ins_are_limited(store: Store, tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    client = TestClient(create_app(store.engine))
    token = csrf_of(client.get("/sign-in").text)
    codes = [client.post("/sign-in", data={"csrf": token, "email": pool.bank,
                                           "password": f"wrong {i}"}).status_code
             for i in range(6)]
    assert codes == [401] * 5 + [429]
    # Even the right password waits now.
    right = client.post("/sign-in", data={"csrf": token, "email": pool.bank,
                                          "password": PASSWORD})
    assert right.status_code == 429 and "Too many failed sign-ins" in right.text


def test_a_token_signs_in_with_its_scopes(store: Store, tmp_path: Path) -> None:
    from intelpool.partners import identity

    pool = build_pool(store.engine, tmp_path)
    with store.begin() as conn:
        token = identity.create_token(conn, f.OPERATOR, pool.bank, expires_days=1,
                                      scopes=["read"])
    client = TestClient(create_app(store.engine))
    form = client.get("/sign-in")
    page = client.post("/sign-in", data={"csrf": csrf_of(form.text), "token": token.secret})
    assert page.url.path == "/" and pool.bank in page.text
    assert 'href="/submit"' not in page.text  # a read token may not submit
    assert client.get("/submit").status_code == 403


def test_sign_in_refuses_a_form_without_its_token(store: Store, tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    client = TestClient(create_app(store.engine))
    client.get("/sign-in")
    response = client.post("/sign-in", data={"email": pool.bank, "password": PASSWORD})
    assert response.status_code == 403
