"""Feeds pulled in from real peers: medallion (TAXII 2.1, memory backend) and a MISP feed
directory served over HTTP; only what is new, never half a pull."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from intelpool.cli.main import app
from intelpool.config import Settings
from intelpool.pool import feed_secrets, feeds, reads
from tests import factories as f
from tests.api.live import (
    MEDALLION_COLLECTION,
    MEDALLION_USER,
    medallion_app,
    serving_directory,
    serving_wsgi,
)
from tests.conftest import Store
from tests.jobs.queue_fixtures import jobs_store, run_queue

__all__ = ["jobs_store"]  # a fixture of this module's tests

DATA = Path(__file__).parent.parent / "data"
runner = CliRunner()


def _indicator(n: int) -> dict[str, object]:
    return {"type": "indicator", "spec_version": "2.1",
            "id": f"indicator--00000000-0000-4000-8000-{n:012d}",
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "pattern": f"[domain-name:value = 'c2-{n}.net']", "pattern_type": "stix",
            "valid_from": "2026-01-01T00:00:00Z"}


def _cli(store: Store, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", store.url])
    return result.exit_code, result.stdout + result.stderr


def test_taxii_feed_from_medallion_pulls_only_what_is_new(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # The password is stored encrypted: on PostgreSQL under the setting's key, on the
    # embedded pool under the key file made beside it.
    if store.name == "postgresql":
        monkeypatch.setenv("INTELPOOL_SECRET_KEY", feed_secrets.new_key())
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
    medallion = medallion_app([_indicator(n) for n in range(1, 251)],
                              "2026-01-02T00:00:00.000000Z")
    with serving_wsgi(medallion) as base:
        code, out = _cli(store, "feed", "add", "partner-taxii", "--taxii", f"{base}/api1/",
                         "--collection", MEDALLION_COLLECTION, "--as", police.email,
                         "--user", MEDALLION_USER[0], "--password", MEDALLION_USER[1],
                         "--tlp", "green", "--theme", "botnet")
        assert code == 0, out
        code, out = _cli(store, "feed", "pull", "--json")
        assert code == 0, out
        [first] = json.loads(out)
        assert first["ok"] and first["fetched"] == 250 and first["accepted"] == 250
        code, out = _cli(store, "feed", "pull", "partner-taxii", "--json")
        [second] = json.loads(out)
        assert second["ok"] and second["fetched"] == 0 and second["contribution_id"] is None
    with store.begin() as conn:
        [hit] = reads.search(conn, police, "c2-17.net")
        assert hit.handling.tlp == "green" and hit.themes == ["botnet"]
    code, out = _cli(store, "feed", "list", "--json")
    [listed] = json.loads(out)
    assert listed["total_count"] == 250 and listed["last_error"] is None


def test_feeds_over_rest_are_per_organisation(jobs_store: Store, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from intelpool.api.app import create_app
    from tests.api.conftest import token

    store = jobs_store
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
        f.member(conn, "Bank NL", kind="private", role="contributor")
    feed_dir = tmp_path / "feed"
    shutil.copytree(DATA / "misp" / "feed", feed_dir)
    manifest = json.loads((feed_dir / "manifest.json").read_text())
    (feed_dir / "manifest.json").write_text(json.dumps(
        {k: v for k, v in manifest.items() if (feed_dir / f"{k}.json").exists()}))
    mine, other = token(store, police.email), token(store, "contributor@bank-nl.example")
    with serving_directory(feed_dir) as base, TestClient(create_app(store.engine)) as client:
        added = client.post("/api/v1/feeds", json={"name": "misp", "kind": "misp", "url": base,
                                                    "tlp": "green"}, headers=mine)
        assert added.status_code == 201, added.text
        queued = client.post("/api/v1/feeds/misp/pull", headers=mine)
        assert queued.status_code == 202 and queued.json()["state"] == "queued"
        run_queue(store)  # a worker (on the embedded pool, the in-process runner)
        job = client.get(f"/api/v1/jobs/{queued.json()['job']}", headers=mine).json()
        assert job["state"] == "done" and job["kind"] == "feed"
        [result] = job["summary"]["feeds"]
        assert result["ok"] and result["fetched"] == 2
        assert client.get(f"/api/v1/jobs/{queued.json()['job']}",
                          headers=other).status_code == 404
        code, out = _cli(store, "job", "show", str(queued.json()["job"]), "--as", police.email)
        assert code == 0 and "feed misp: 2 fetched" in out, out
        assert client.get("/api/v1/feeds", headers=other).json() == []
        assert client.post("/api/v1/feeds/misp/pull", headers=other).status_code == 404
        [listed] = client.get("/api/v1/feeds", headers=mine).json()
        assert listed["total_count"] == 2


def test_misp_feed_over_http_and_a_failing_source(store: Store, tmp_path: Path) -> None:
    feed_dir = tmp_path / "feed"
    shutil.copytree(DATA / "misp" / "feed", feed_dir)
    # The sample's manifest also names an event with no file: this feed serves the two it has.
    manifest = json.loads((feed_dir / "manifest.json").read_text())
    (feed_dir / "manifest.json").write_text(json.dumps(
        {k: v for k, v in manifest.items() if (feed_dir / f"{k}.json").exists()}))
    with store.begin() as conn:
        bank = f.member(conn, "Bank NL", kind="private", role="contributor")
        before = len(reads.list_contributions(conn, bank))
    with serving_directory(feed_dir) as base:
        with store.begin() as conn:
            feeds.add_feed(conn, bank, "misp", kind="misp", url=base, collection=None,
                           username=None, secret=None, bearer=False, tlp="amber",
                           audience=[], themes=[])
            feeds.add_feed(conn, bank, "down", kind="misp", url=f"{base}/nowhere",
                           collection=None, username=None, secret=None, bearer=False,
                           tlp="amber", audience=[], themes=[])
        results = {r.name: r for r in feeds.pull(store.engine, bank, None, Settings())}
        assert not results["down"].ok and "nowhere" in (results["down"].error or "")
        assert results["misp"].ok and results["misp"].fetched == 2
        again = {r.name: r for r in feeds.pull(store.engine, bank, None, Settings())}
        assert again["misp"].fetched == 0 and not again["down"].ok
        # A feed that breaks half-way stores nothing and is retried next time.
        manifest = json.loads((feed_dir / "manifest.json").read_text())
        manifest["3e3e3e3e-0000-4000-8000-00000000ffff"] = {"timestamp": "1909625600"}
        first = next(iter(manifest))
        manifest[first]["timestamp"] = "1909625601"
        (feed_dir / "manifest.json").write_text(json.dumps(manifest))
        [broken] = feeds.pull(store.engine, bank, "misp", Settings())
        assert not broken.ok
    with store.begin() as conn:
        assert len(reads.list_contributions(conn, bank)) == before + 1
        [view] = feeds.list_feeds(conn, bank, "misp")
        assert view.total_count == 2 and view.last_error
