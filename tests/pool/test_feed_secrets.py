"""Feed passwords and tokens are stored encrypted, open only with the pool's key, and are
never shown again; a pool upgraded from plain-text secrets has them sealed."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from alembic import command
from pydantic import SecretStr
from sqlalchemy import select, update
from typer.testing import CliRunner

from intelpool.access import Principal
from intelpool.cli.main import app
from intelpool.config import Settings
from intelpool.db.migrate import alembic_config, upgrade
from intelpool.db.tables import feed_sources
from intelpool.pool import feed_secrets, feeds
from intelpool.pool.feed_secrets import SecretKeyError
from tests import factories as f
from tests.conftest import Store

runner = CliRunner()
KEY = feed_secrets.new_key()
PASSWORD = "hunter2-not-in-the-pool"
URL = "https://taxii.partner.example/api1/"


def _cli(store: Store, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", store.url])
    return result.exit_code, result.stdout + result.stderr


def _stored(store: Store, name: str) -> str | None:
    with store.begin() as conn:
        return conn.execute(select(feed_sources.c.secret)
                            .where(feed_sources.c.name == name)).scalar_one_or_none()


def _key_file(store: Store) -> Path:
    return Path(str(store.engine.url.database) + ".key")


def _add(store: Store, settings: Settings, name: str = "partner") -> Principal:
    with store.begin() as conn:
        bank = f.member(conn, "Bank NL", kind="private", role="contributor")
        feeds.add_feed(conn, bank, name, kind="taxii", url=URL, collection="c1",
                       username="feeder", secret=PASSWORD, bearer=False, tlp="amber",
                       audience=[], themes=[], settings=settings)
    return bank


def test_a_feed_secret_is_stored_sealed_and_never_shown(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTELPOOL_SECRET_KEY", KEY)
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
    code, out = _cli(store, "feed", "add", "partner", "--taxii", URL, "--collection", "c1",
                     "--as", police.email, "--user", "feeder", "--password", PASSWORD,
                     "--tlp", "green")
    assert code == 0, out
    stored = _stored(store, "partner") or ""
    assert PASSWORD not in stored and feed_secrets.is_sealed(stored)
    code, out = _cli(store, "feed", "list", "--json")
    assert code == 0 and PASSWORD not in out and stored not in out
    assert "secret" not in json.loads(out)[0]

    from fastapi.testclient import TestClient

    from intelpool.api.app import create_app
    from tests.api.conftest import token

    with TestClient(create_app(store.engine)) as client:
        headers = token(store, police.email)
        added = client.post("/api/v1/feeds", headers=headers, json={
            "name": "over-rest", "kind": "taxii", "url": URL, "collection": "c2",
            "secret": PASSWORD, "bearer": True, "tlp": "green"})
        assert added.status_code == 201, added.text
        listed = client.get("/api/v1/feeds", headers=headers)
    for body in (added.text, listed.text):
        assert PASSWORD not in body and "secret" not in body
    assert feed_secrets.is_sealed(_stored(store, "over-rest") or "")


def test_without_the_setting_only_an_embedded_pool_keeps_a_key(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTELPOOL_SECRET_KEY", raising=False)
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
    code, out = _cli(store, "feed", "add", "partner", "--taxii", URL, "--collection", "c1",
                     "--as", police.email, "--token", PASSWORD, "--tlp", "green")
    if store.name == "postgresql":
        assert code == 1
        [line] = out.strip().splitlines()
        assert "feed 'partner'" in line and "INTELPOOL_SECRET_KEY" in line
        assert _stored(store, "partner") is None  # nothing half-written
        return
    assert code == 0, out
    assert stat.S_IMODE(_key_file(store).stat().st_mode) == 0o600
    assert feed_secrets.is_sealed(_stored(store, "partner") or "")


def test_a_wrong_key_fails_the_pull_naming_the_feed(store: Store) -> None:
    bank = _add(store, Settings(secret_key=SecretStr(KEY)))
    wrong = Settings(secret_key=SecretStr(feed_secrets.new_key()))
    [result] = feeds.pull(store.engine, bank, "partner", wrong)
    assert not result.ok
    assert result.error is not None and result.error.startswith("feed 'partner': its stored "
                                                                "secret does not open")
    with store.begin() as conn:
        [view] = feeds.list_feeds(conn, bank, "partner")
    assert view.last_error == result.error and view.total_count == 0


def test_a_secret_moved_to_another_feed_does_not_open(store: Store) -> None:
    settings = Settings(secret_key=SecretStr(KEY))
    _add(store, settings)
    with store.begin() as conn:
        conn.execute(update(feed_sources).where(feed_sources.c.name == "partner")
                     .values(url="https://elsewhere.example/api1/"))
        row = conn.execute(select(feed_sources)).mappings().one()
        with pytest.raises(SecretKeyError, match="feed 'partner'"):
            feed_secrets.unseal(feed_secrets.parse_key(KEY, "key"), row["name"], row["url"],
                                row["secret"])


def test_upgrading_seals_the_secrets_stored_in_plain_text(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTELPOOL_SECRET_KEY", raising=False)
    config = alembic_config(store.engine)
    command.downgrade(config, "0016")  # the revision before 0019
    try:
        with store.begin() as conn:
            bank = f.member(conn, "Bank NL", kind="private", role="contributor")
            conn.execute(feed_sources.insert().values(
                name="old", kind="taxii", url=URL, collection="c1", user_id=bank.user_id,
                username="feeder", secret=PASSWORD, bearer=False, tlp="amber",
                audience="[]", themes="[]", total_count=0))
        if store.name == "postgresql":
            with pytest.raises(SecretKeyError, match="INTELPOOL_SECRET_KEY"):
                upgrade(store.engine)
            assert _stored(store, "old") == PASSWORD  # the failed upgrade changed nothing
            monkeypatch.setenv("INTELPOOL_SECRET_KEY", KEY)
        upgrade(store.engine)
    finally:
        monkeypatch.setenv("INTELPOOL_SECRET_KEY", KEY)
        upgrade(store.engine)
    stored = _stored(store, "old") or ""
    assert PASSWORD not in stored and feed_secrets.is_sealed(stored)
    key = (KEY if store.name == "postgresql" else _key_file(store).read_text())
    assert feed_secrets.unseal(feed_secrets.parse_key(key, "key"), "old", URL,
                               stored) == PASSWORD
