"""TAXII objects by id through the index of served ids, the same ids as the STIX export, and
the marking definitions every page carries."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from stix2validator import ValidationOptions, validate_instance

from intelpool.pool import taxii_objects
from intelpool.pool.export import ExportRequest, export
from tests import factories as f
from tests.api.conftest import World
from tests.conftest import Store

TAXII = "application/taxii+json;version=2.1"
ROOT = "/taxii2/api"
ACTOR = "threat-actor--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"
INDICATOR = "indicator--7d1c3c0e-64a5-4b8e-9f3e-3f8a6b0b7e21"
STAMP = "2026-01-01T00:00:00.000Z"


def _bundle(path: Path) -> Path:
    objects = [
        {"type": "threat-actor", "spec_version": "2.1", "id": ACTOR, "created": STAMP,
         "modified": STAMP, "name": "Wizard Spider", "threat_actor_types": ["crime-syndicate"]},
        {"type": "indicator", "spec_version": "2.1", "id": INDICATOR, "created": STAMP,
         "modified": STAMP, "pattern": "[domain-name:value = 'wizard-c2.net']",
         "pattern_type": "stix", "valid_from": STAMP},
        {"type": "relationship", "spec_version": "2.1",
         "id": "relationship--2b9e9d51-2f0c-4a8c-9a43-4c0d1f4f3b11", "created": STAMP,
         "modified": STAMP, "relationship_type": "indicates", "source_ref": INDICATOR,
         "target_ref": ACTOR},
    ]
    path.write_bytes(orjson.dumps({"type": "bundle",
                                   "id": "bundle--5d3c2a1b-0f4e-4c7d-8a9b-1c2d3e4f5a6b",
                                   "objects": objects}))
    return path


@pytest.fixture
def held_twice(store: Store, world: World, tmp_path: Path) -> World:
    """Police and the bank both contribute the same STIX objects, shared with the pool."""
    with store.begin() as conn:
        f.submit_file(conn, world.police_user, _bundle(tmp_path / "police.json"), tlp="green",
                      audience=["pool"], codes=["H1"])
        f.submit_file(conn, world.bank_user, _bundle(tmp_path / "bank.json"), tlp="green",
                      audience=["pool"])
    return world


def _h(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Accept": TAXII}


def _everything(client: TestClient, headers: dict[str, str]) -> str:
    body = client.get(f"{ROOT}/collections/", headers=_h(headers)).json()
    return next(c["id"] for c in body["collections"] if c["title"] == "Everything you may see")


def _pages(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    url = f"{ROOT}/collections/{_everything(client, headers)}/objects/"
    pages = []
    while True:
        page = client.get(url, params=params, headers=_h(headers))
        assert page.status_code == 200, page.text
        pages.append(page.json())
        if not page.json()["more"]:
            return pages
        params["next"] = page.json()["next"]


def _by_id(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in objects}


def test_a_taxii_collection_and_the_stix_export_agree(client: TestClient, held_twice: World,
                                                       store: Store) -> None:
    served = [o for p in _pages(client, held_twice.bank) for o in p["objects"]]
    buf = io.BytesIO()
    with store.begin() as conn:
        export(conn, held_twice.bank_user, ExportRequest(format="stix"), buf)
    exported = json.loads(buf.getvalue())["objects"]
    assert _by_id(served) == _by_id(exported)
    actors = [o for o in exported if o["type"] == "threat-actor"]
    # Each contribution's copy carries its own markings, so the later one has its own id.
    assert len(actors) == 2 and ACTOR in {a["id"] for a in actors}
    assert actors[0]["object_marking_refs"] != actors[1]["object_marking_refs"]


def test_objects_by_id_are_found_through_the_index(client: TestClient, held_twice: World,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    served = [o for p in _pages(client, held_twice.bank) for o in p["objects"]]
    wanted = [o for o in served if o["type"] in ("threat-actor", "relationship", "indicator")]

    def no_scan(*args: object) -> None:
        raise AssertionError("looked up by id, the collection is not built")

    monkeypatch.setattr(taxii_objects, "_objects", no_scan)
    coll = _everything(client, held_twice.bank)
    url = f"{ROOT}/collections/{coll}/objects/"
    for obj in wanted:
        got = client.get(f"{url}{obj['id']}/", headers=_h(held_twice.bank)).json()["objects"]
        assert [o for o in got if o["type"] != "marking-definition"] == [obj]
        matched = client.get(url, params={"match[id]": obj["id"]},
                             headers=_h(held_twice.bank)).json()["objects"]
        assert [o for o in matched if o["type"] != "marking-definition"] == [obj]
        versions = client.get(f"{url}{obj['id']}/versions/", headers=_h(held_twice.bank))
        assert versions.json()["versions"] == [obj["modified"]]
    # The police's amber contribution holds evil-c2.net for the bank alone: a stranger asking
    # for it by id gets what a missing object gets.
    secret = next(o for o in served if o.get("name") == "evil-c2.net")
    mine = _everything(client, held_twice.stranger)
    for suffix in ("", "versions/"):
        hidden = client.get(f"{ROOT}/collections/{mine}/objects/{secret['id']}/{suffix}",
                            headers=_h(held_twice.stranger))
        assert hidden.status_code == 404
    assert client.get(f"{ROOT}/collections/{mine}/objects/",
                      params={"match[id]": secret["id"]},
                      headers=_h(held_twice.stranger)).json()["objects"] == []


def test_every_page_carries_the_markings_its_objects_reference(
        client: TestClient, held_twice: World, store: Store, tmp_path: Path) -> None:
    url = f"{ROOT}/collections/{_everything(client, held_twice.bank)}/objects/"
    last = client.get(url, headers=_h(held_twice.bank)).headers["X-TAXII-Date-Added-Last"]
    with store.begin() as conn:  # the same handling again, later: no new definitions
        f.submit_lines(conn, held_twice.bank_user, tmp_path, ["wizard-c2.org"], tlp="green",
                       audience=["pool"])
    seen: list[str] = []
    late = client.get(url, params={"added_after": last}, headers=_h(held_twice.bank)).json()
    assert [o["name"] for o in late["objects"] if o["type"] == "indicator"] == ["wizard-c2.org"]
    assert {o["name"] for o in late["objects"] if o["type"] == "marking-definition"} >= \
        {"TLP:GREEN"}
    for params in ({"limit": 5}, {"limit": 4, "added_after": last}):
        for page in _pages(client, held_twice.bank, **params):
            objects = page["objects"]
            ids = {o["id"] for o in objects}
            assert len(objects) <= params["limit"]
            for obj in objects:
                for ref in obj.get("object_marking_refs", []):
                    assert ref in ids, (obj["id"], ref)
                result = validate_instance(obj, ValidationOptions(version="2.1", strict=False))
                assert result.is_valid, (obj, [str(e) for e in result.errors])
            if params["limit"] == 5:
                seen += [o["id"] for o in objects if o["type"] != "marking-definition"]
    assert len(seen) == len(set(seen))  # paging neither repeats nor skips
    everything = [o for p in _pages(client, held_twice.bank) for o in p["objects"]
                  if o["type"] != "marking-definition"]
    assert sorted(seen) == sorted(o["id"] for o in everything)
