"""The OASIS taxii2-client against a live intelpool server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from taxii2client.v21 import Collection, Server, as_pages

from intelpool.api.app import create_app
from tests import factories as f
from tests.api.conftest import World
from tests.api.live import serving
from tests.conftest import Store
from tests.jobs.queue_fixtures import jobs_store, run_queue

__all__ = ["jobs_store"]  # a fixture of this module's tests


def test_taxii2_client_discovers_pages_filters_and_adds(jobs_store: Store, world: World,
                                                        tmp_path: Path) -> None:
    store = jobs_store
    with store.begin() as conn:
        f.submit_lines(conn, world.bank_user, tmp_path,
                       [f"45.137.{i // 250}.{i % 250 + 1}" for i in range(600)], tlp="green")
    secret = world.bank["Authorization"].removeprefix("Bearer ")
    auth = {"user": world.bank_user.email, "password": secret}
    with serving(create_app(store.engine)) as base, working(store):
        server = Server(f"{base}/taxii2/", **auth)
        [root] = server.api_roots
        titles = {c.title: c for c in root.collections}
        assert "Everything you may see" in titles and "Submit as Bank NL" in titles
        everything = Collection(titles["Everything you may see"].url, **auth)
        ids: list[str] = []
        for envelope in as_pages(everything.get_objects, per_request=100,
                                 type="indicator"):
            ids += [o["id"] for o in envelope.get("objects", [])]
        assert len(ids) == len(set(ids)) == 600 + 2 + 1
        first = ids[0]
        got = everything.get_object(first)["objects"]
        assert [o["id"] for o in got if o["type"] != "marking-definition"] == [first]
        manifest = everything.get_manifest(limit=5)
        assert len(manifest["objects"]) == 5 and manifest["more"]
        submit = Collection(titles["Submit as Bank NL"].url, **auth)
        status = submit.add_objects({"objects": [{
            "type": "indicator", "spec_version": "2.1",
            "id": "indicator--5f2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "pattern": "[url:value = 'http://pay-now.net/login']", "pattern_type": "stix",
            "valid_from": "2026-01-01T00:00:00Z"}]}, wait_for_completion=True)
        assert status.status == "complete" and status.success_count == 1
        assert status.successes[0]["id"] == "indicator--5f2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"


@contextmanager
def working(store: Store) -> Iterator[None]:
    """A worker taking jobs while the test runs (the embedded pool runs them in-process)."""
    stop = threading.Event()

    def work() -> None:
        while not stop.wait(0.3):
            run_queue(store)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
