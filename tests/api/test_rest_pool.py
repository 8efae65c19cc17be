"""REST: submitting, listing, showing, searching and exporting contributions."""

from __future__ import annotations

from pathlib import Path

import orjson
from fastapi.testclient import TestClient

from intelpool.audit import service as audit
from tests.api.conftest import World
from tests.conftest import Store

DATA = Path(__file__).parent.parent / "data"


def test_submit_a_raw_body_with_every_handling_field(client: TestClient, world: World,
                                                     store: Store) -> None:
    body = b"198.51.100.7\nnot a selector at all !!\nphish.example\n"
    response = client.post("/api/v1/contributions", content=body, headers=world.police, params={
        "tlp": "amber", "audience": ["org:Bank NL"], "handling": ["H1"], "h3": "no arrests",
        "pap": "amber", "anonymous": "true", "reliability": "B", "credibility": "2",
        "scheme": "4x4", "theme": ["online-fraud"], "title": "Phishing kit",
        "format": "text", "filename": "kit.txt"})
    assert response.status_code == 201, response.text
    result = response.json()
    summary = result["summary"]
    assert (summary["format"], summary["accepted"], summary["rejected"]) == ("text", 2, 1)
    [rejection] = result["rejections"]
    assert rejection["value"].startswith("not a selector") and rejection["reason"]
    assert result["rejections_truncated"] is False
    shown = client.get(f"/api/v1/contributions/{summary['contribution_id']}",
                       headers=world.bank).json()["contribution"]
    assert shown["title"] == "Phishing kit" and shown["source_name"] == "kit.txt"
    assert shown["handling"] == {"tlp": "amber", "pap": "amber", "audience": ["org:Bank NL"],
                                 "codes": ["H1", "H3"], "h3_text": "no arrests",
                                 "anonymous": True}
    assert shown["evaluation"] == {"scheme": "4x4", "reliability": "B", "credibility": "2"}
    assert shown["themes"] == ["online-fraud"] and shown["originator"] == "a partner"
    with store.begin() as conn:
        actions = [e.action for e in audit.trail(conn, world.police_user, limit=5)]
    assert "contribution.submit" in actions


def test_submit_a_multipart_upload_recognised_by_content(client: TestClient,
                                                         world: World) -> None:
    sample = next((DATA / "stix").glob("*.json"))
    with sample.open("rb") as fh:
        response = client.post("/api/v1/contributions", params={"tlp": "green"},
                               files={"file": (sample.name, fh, "application/json")},
                               headers=world.police)
    assert response.status_code == 201, response.text
    summary = response.json()["summary"]
    assert summary["format"] == "stix" and summary["accepted"] > 0
    again = client.post("/api/v1/contributions", params={"tlp": "green"},
                        files={"file": (sample.name, sample.read_bytes())},
                        headers=world.police).json()["summary"]
    assert again["already_submitted"] and again["contribution_id"] == summary["contribution_id"]


def test_a_refused_submission_stores_nothing(client: TestClient, world: World) -> None:
    before = client.get("/api/v1/contributions", headers=world.police).json()["items"]
    red = client.post("/api/v1/contributions", params={"tlp": "red", "audience": "pool"},
                      content=b"198.51.100.9\n", headers=world.police)
    assert red.status_code == 422 and "TLP:RED" in red.json()["error"]["message"]
    nobody = client.post("/api/v1/contributions", params={"tlp": "amber",
                                                          "audience": "org:Nobody"},
                         content=b"198.51.100.9\n", headers=world.police)
    assert nobody.status_code == 404
    empty = client.post("/api/v1/contributions", params={"tlp": "green"}, content=b"",
                        headers=world.police)
    assert empty.status_code == 400
    after = client.get("/api/v1/contributions", headers=world.police).json()["items"]
    assert after == before


def test_contributions_page_with_an_opaque_cursor(client: TestClient, world: World) -> None:
    for i in range(5):
        client.post("/api/v1/contributions", params={"tlp": "green", "format": "text"},
                    content=f"198.51.100.{i + 10}\n".encode(), headers=world.police)
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/contributions", params=params, headers=world.police).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
        # A contribution added while paging is neither skipped nor repeated in what follows.
        client.post("/api/v1/contributions", params={"tlp": "green", "format": "text"},
                    content=f"198.51.100.{len(seen) + 50}\n".encode(), headers=world.police)
    assert len(seen) == len(set(seen)) == 6 and seen == sorted(seen, reverse=True)


def test_hidden_contributions_read_exactly_like_missing_ones(client: TestClient,
                                                             world: World) -> None:
    hidden = client.get(f"/api/v1/contributions/{world.secret_id}", headers=world.stranger)
    missing = client.get("/api/v1/contributions/999999", headers=world.stranger)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"]["message"].replace(str(world.secret_id), "N") == \
        missing.json()["error"]["message"].replace("999999", "N")
    visible = client.get(f"/api/v1/contributions/{world.secret_id}", headers=world.bank)
    assert visible.status_code == 200 and visible.json()["observation_count"] == 2


def test_search_is_audited_like_the_cli(client: TestClient, world: World, store: Store) -> None:
    found = client.get("/api/v1/search", params={"value": "evil-c2[.]net"},
                       headers=world.bank).json()
    assert [r["contribution_id"] for r in found["results"]] == [world.secret_id]
    with store.begin() as conn:
        [event] = [e for e in audit.trail(conn, world.bank_user, limit=5)
                   if e.action == "pool.search"]
    assert event.detail["contributions"] == [world.secret_id]


def test_export_streams_each_format_as_a_download(client: TestClient, world: World) -> None:
    for fmt, params in (("stix", {}), ("misp", {}), ("csv", {}),
                        ("blocklist", {"type": "domain"})):
        response = client.get("/api/v1/export", params={"format": fmt, **params},
                              headers=world.bank)
        assert response.status_code == 200, (fmt, response.text)
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment;") and f"intelpool-{fmt}-" in disposition
        assert b"evil-c2.net" in response.content
    bundle = orjson.loads(client.get("/api/v1/export", params={"format": "stix"},
                                     headers=world.bank).content)
    assert any(o["type"] == "marking-definition" for o in bundle["objects"])
    unknown = client.get("/api/v1/export", params={"format": "pdf"}, headers=world.bank)
    assert unknown.status_code == 422
    stranger = client.get("/api/v1/export", params={"format": "csv"}, headers=world.stranger)
    assert b"evil-c2.net" not in stranger.content and b"45.137.21.9" not in stranger.content
