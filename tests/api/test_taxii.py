"""TAXII 2.1: collections per organisation, paging, filters, media types, envelopes."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from stix2validator import ValidationOptions, validate_instance

from intelpool.audit import service as audit
from tests import factories as f
from tests.api.conftest import World, token
from tests.conftest import Store
from tests.jobs.queue_fixtures import jobs_store, run_queue

__all__ = ["jobs_store"]  # a fixture of this module's tests

TAXII = "application/taxii+json;version=2.1"
ROOT = "/taxii2/api"


def _h(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Accept": TAXII}


def _unmarked(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page's objects without the marking definitions that travel with them."""
    return [o for o in objects if o["type"] != "marking-definition"]


def _collections(client: TestClient, headers: dict[str, str]) -> dict[str, str]:
    body = client.get(f"{ROOT}/collections/", headers=_h(headers)).json()
    return {c["title"]: c["id"] for c in body["collections"]}


def test_discovery_and_api_root(client: TestClient, world: World) -> None:
    discovery = client.get("/taxii2/", headers={"Accept": TAXII})
    assert discovery.status_code == 200
    assert discovery.headers["content-type"].startswith("application/taxii+json")
    assert discovery.json()["default"].endswith("/taxii2/api/")
    root = client.get(f"{ROOT}/", headers=_h(world.bank)).json()
    assert root["versions"] == [TAXII]
    assert client.get("/taxii2/other/", headers=_h(world.bank)).status_code == 404


def test_media_types_are_negotiated(client: TestClient, world: World) -> None:
    wrong = client.get(f"{ROOT}/collections/", headers={**world.bank, "Accept": "text/html"})
    assert wrong.status_code == 406 and wrong.json()["http_status"] == "406"
    [submit] = [v for k, v in _collections(client, world.police).items() if k.startswith("Sub")]
    bad = client.post(f"{ROOT}/collections/{submit}/objects/", content=b"{}",
                      headers={**_h(world.police), "Content-Type": "application/json"})
    assert bad.status_code == 415


def test_collections_are_computed_per_organisation(client: TestClient, world: World,
                                                   store: Store) -> None:
    with store.begin() as conn:
        from intelpool.partners import service as partners
        partners.add_group(conn, f.OPERATOR, "Fin", ["Bank NL"])
    bank = _collections(client, world.bank)
    stranger = _collections(client, world.stranger)
    assert "Sharing group Fin" in bank and "Sharing group Fin" not in stranger
    assert "Theme botnet" in bank and bank["Theme botnet"] == stranger["Theme botnet"]
    assert bank["Submit as Bank NL"] != stranger["Submit as Stranger FR"]
    # Another organisation's collections do not exist for the stranger.
    for other in (bank["Sharing group Fin"], bank["Submit as Bank NL"]):
        assert client.get(f"{ROOT}/collections/{other}/",
                          headers=_h(world.stranger)).status_code == 404
    # A stranger's collections are empty: no objects, no counts.
    for coll in (stranger["Everything you may see"], stranger["Theme botnet"]):
        page = client.get(f"{ROOT}/collections/{coll}/objects/", headers=_h(world.stranger))
        assert page.json() == {"more": False, "objects": []}
        assert "X-TAXII-Date-Added-First" not in page.headers
        manifest = client.get(f"{ROOT}/collections/{coll}/manifest/",
                              headers=_h(world.stranger))
        assert manifest.json() == {"more": False, "objects": []}
    # An object the stranger may not see answers like one that does not exist.
    seen = client.get(f"{ROOT}/collections/{bank['Everything you may see']}/objects/",
                      headers=_h(world.bank)).json()["objects"][-1]["id"]
    mine = stranger["Everything you may see"]
    for suffix in ("", "versions/"):
        hidden = client.get(f"{ROOT}/collections/{mine}/objects/{seen}/{suffix}",
                            headers=_h(world.stranger))
        missing = client.get(f"{ROOT}/collections/{mine}/objects/indicator--"
                             f"00000000-0000-4000-8000-000000000000/{suffix}",
                             headers=_h(world.stranger))
        assert hidden.status_code == missing.status_code == 404


def test_objects_are_the_marked_stix_export(client: TestClient, world: World,
                                            store: Store) -> None:
    coll = _collections(client, world.bank)["Everything you may see"]
    page = client.get(f"{ROOT}/collections/{coll}/objects/", headers=_h(world.bank))
    assert page.status_code == 200 and page.headers["X-TAXII-Date-Added-First"]
    objects = page.json()["objects"]
    indicators = [o for o in objects if o["type"] == "indicator"]
    names = {o["name"] for o in indicators}
    assert {"evil-c2.net", "45.137.21.9"} <= names
    ids = [o["id"] for o in objects]
    assert len(ids) == len(set(ids))  # the same selector in two contributions: two ids
    markings = {o["id"] for o in objects if o["type"] == "marking-definition"}
    for obj in indicators:
        assert set(obj["object_marking_refs"]) <= markings
    for obj in objects:
        result = validate_instance(obj, ValidationOptions(version="2.1", strict=False))
        assert result.is_valid, (obj, [str(e) for e in result.errors])
    with store.begin() as conn:
        events = audit.trail(conn, world.bank_user, limit=5)
    read = next(e for e in events if e.action == "taxii.objects")
    assert world.secret_id in read.detail["contributions"]
    theme = _collections(client, world.bank)["Theme botnet"]
    themed = client.get(f"{ROOT}/collections/{theme}/objects/", headers=_h(world.bank)).json()
    assert {o["name"] for o in themed["objects"] if o["type"] == "indicator"} == \
        {"evil-c2.net", "45.137.21.9"}


def test_paging_filters_and_lookups(client: TestClient, world: World, store: Store,
                                    tmp_path: Path) -> None:
    with store.begin() as conn:
        f.submit_lines(conn, world.bank_user, tmp_path,
                       [f"45.137.22.{i}" for i in range(1, 26)], tlp="green")
    coll = _collections(client, world.bank)["Everything you may see"]
    url = f"{ROOT}/collections/{coll}/objects/"
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 7, "match[type]": "indicator"}
    added = 0
    while True:
        page = client.get(url, params=params, headers=_h(world.bank)).json()
        seen += [o["id"] for o in page["objects"]]
        assert all(o["type"] == "indicator" for o in page["objects"])
        if not page["more"]:
            break
        params["next"] = page["next"]
        if not added:  # added while paging: neither skipped nor repeated
            with store.begin() as conn:
                f.submit_lines(conn, world.bank_user, tmp_path, ["45.137.23.1"], tlp="green")
            added = 1
    assert len(seen) == len(set(seen)) == 2 + 1 + 25 + 1
    one = seen[3]
    found = _unmarked(client.get(f"{url}{one}/", headers=_h(world.bank)).json()["objects"])
    assert [o["id"] for o in found] == [one]
    matched = client.get(url, params={"match[id]": one}, headers=_h(world.bank)).json()
    assert [o["id"] for o in _unmarked(matched["objects"])] == [one]
    versions = client.get(f"{url}{one}/versions/", headers=_h(world.bank)).json()
    assert versions["versions"] == [found[0]["modified"]]
    assert client.get(f"{url}indicator--00000000-0000-4000-8000-000000000000/",
                      headers=_h(world.bank)).status_code == 404
    assert client.get(url, params={"match[spec_version]": "2.0"},
                      headers=_h(world.bank)).json()["objects"] == []
    last = client.get(url, headers=_h(world.bank)).headers["X-TAXII-Date-Added-Last"]
    later = client.get(url, params={"added_after": last}, headers=_h(world.bank)).json()
    assert later["objects"] == []
    manifest = client.get(f"{ROOT}/collections/{coll}/manifest/", params={"limit": 3},
                          headers=_h(world.bank)).json()
    assert manifest["more"] and {"id", "date_added", "version", "media_type"} <= \
        set(manifest["objects"][0])


def test_envelopes_become_contributions_with_a_status(client: TestClient, world: World,
                                                      jobs_store: Store) -> None:
    store = jobs_store
    submit = _collections(client, world.police)["Submit as Police DE"]
    envelope = {"objects": [
        {"type": "indicator", "spec_version": "2.1",
         "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
         "pattern": "[domain-name:value = 'c2-panel.net']", "pattern_type": "stix",
         "valid_from": "2026-01-01T00:00:00Z"},
        {"type": "indicator", "spec_version": "2.1",
         "id": "indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
         "pattern": "[ipv4-addr:value = 'not an address']", "pattern_type": "stix",
         "valid_from": "2026-01-01T00:00:00Z"}]}
    headers = {**_h(world.police), "Content-Type": TAXII}
    posted = client.post(f"{ROOT}/collections/{submit}/objects/", json=envelope,
                         headers=headers)
    assert posted.status_code == 202, posted.text
    pending = posted.json()
    assert (pending["status"], pending["total_count"], pending["pending_count"]) == \
        ("pending", 2, 2)
    run_queue(store)  # the worker (on the embedded pool, the in-process runner)
    status = client.get(f"{ROOT}/status/{pending['id']}/", headers=_h(world.police)).json()
    assert (status["status"], status["total_count"], status["pending_count"]) == \
        ("complete", 2, 0)
    assert status["success_count"] == 1 and status["successes"] == [
        {"id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "version": "2026-01-01T00:00:00.000Z"}]
    [failure] = status["failures"]
    assert failure["id"] == "indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
    assert failure["version"] and "not an address" in failure["message"]
    assert client.get(f"{ROOT}/status/{status['id']}/",
                      headers=_h(world.bank)).status_code == 404
    # Stored under the organisation's default (amber, originator only).
    found = client.get("/api/v1/search", params={"value": "c2-panel.net"},
                       headers=world.police).json()["results"]
    assert [r["handling"]["tlp"] for r in found] == ["amber"]
    assert client.get("/api/v1/search", params={"value": "c2-panel.net"},
                      headers=world.bank).json()["results"] == []
    # Read-only collections refuse writes; a reader token cannot write at all.
    everything = _collections(client, world.police)["Everything you may see"]
    assert client.post(f"{ROOT}/collections/{everything}/objects/", json=envelope,
                       headers=headers).status_code == 403
    reader = token(store, world.police_user.email, ["read"])
    assert client.post(f"{ROOT}/collections/{submit}/objects/", json=envelope,
                       headers={**_h(reader), "Content-Type": TAXII}).status_code == 403
    # A malformed envelope is refused at once and queues nothing.
    for bad in (b"[1", b'{"objects": 3}', b'{"objects": [1]}'):
        refused = client.post(f"{ROOT}/collections/{submit}/objects/", content=bad,
                              headers=headers)
        assert refused.status_code in (400, 422), refused.text


def test_basic_authentication_for_taxii_clients(client: TestClient, world: World) -> None:
    secret = world.bank["Authorization"].removeprefix("Bearer ")
    basic = base64.b64encode(f"{world.bank_user.email}:{secret}".encode()).decode()
    response = client.get(f"{ROOT}/collections/", headers={"Authorization": f"Basic {basic}",
                                                           "Accept": TAXII})
    assert response.status_code == 200
    assert client.get(f"{ROOT}/collections/", headers={"Accept": TAXII}).status_code == 401
