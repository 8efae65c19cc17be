"""Signing in to the web interface from tests, and a small pool of three organisations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine

from intelpool.api.app import create_app
from intelpool.partners import sign_in
from tests import factories as f

PASSWORD = "a long test password"
# Held by the bank for the pool, by the police in a file the bank may not see.
SHARED = "payments-c2-panel.net"
HIDDEN_ONLY = "hidden-drop-zone.org"
HIDDEN_TITLE = "Operation Nightjar source list"


@dataclass
class Pool:
    police: str  # analyst e-mails
    police_admin: str
    bank: str
    stranger: str
    hidden_contribution: int
    bank_contribution: int


def password_user(conn: Connection, org: str, role: str = "analyst") -> str:
    principal = f.user(conn, org, role)
    sign_in.set_password(conn, f.OPERATOR, principal.email, PASSWORD)
    return principal.email


def build_pool(engine: Engine, tmp: Path) -> Pool:
    """Police DE holds an AMBER file only it may see; Bank NL shares with the pool."""
    tmp.mkdir(parents=True, exist_ok=True)
    with engine.begin() as conn:
        for name, kind in (("Police DE", "law-enforcement"), ("Bank NL", "private"),
                           ("CERT XX", "cert")):
            f.org(conn, name, kind)
        pool = Pool(password_user(conn, "Police DE"), password_user(conn, "Police DE", "admin"),
                    password_user(conn, "Bank NL"), password_user(conn, "CERT XX"), 0, 0)
        bank_file = tmp / "bank.txt"
        bank_file.write_text(f"{SHARED}\n185.220.101.7\n")
        pool.bank_contribution = f.submit_file(
            conn, f.principal_for_email(conn, pool.bank), bank_file, tlp="green",
            title="Bank phishing panel").contribution_id
        police_file = tmp / "police.txt"
        police_file.write_text(f"{HIDDEN_ONLY}\n")
        pool.hidden_contribution = f.submit_file(
            conn, f.principal_for_email(conn, pool.police), police_file, tlp="amber",
            title=HIDDEN_TITLE).contribution_id
    return pool


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def signed_in(engine: Engine, email: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(create_app(engine))
    form = client.get("/sign-in")
    response = client.post("/sign-in", data={"csrf": csrf_of(form.text), "email": email,
                                             "password": password, "next": "/"})
    assert response.status_code == 200 and response.url.path == "/", response.text
    return client


# Every script a page may load: htmx and the app's own, plus ECharts on pages with charts.
OWN_SCRIPTS = frozenset({"/static/vendor/htmx.js", "/static/app.js",
                         "/static/vendor/echarts.js", "/static/charts.js"})


def only_own_scripts(srcs: list[str | None]) -> bool:
    """No inline script (no src) and none but the app's own files."""
    return "/static/app.js" in srcs and set(srcs) <= OWN_SCRIPTS
