"""Network and graph pages on the analysis service: to a stranger organisation a network or a
selector it may not see reads exactly like one that does not exist."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from intelpool.analysis import cache
from intelpool.analysis import service as analysis
from tests import factories as f
from tests.analysis.builders import bundle, malware, ring
from tests.conftest import Store
from tests.web.helpers import Pool, build_pool, csrf_of, password_user, signed_in

PANEL = "http://panel.kivuco-ops.com/admin.php"


@pytest.fixture(autouse=True)
def _fresh_analysis() -> Iterator[None]:
    cache.forget()
    yield
    cache.forget()


def _with_network(store: Store, tmp_path: Path) -> tuple[Pool, str]:
    """The small pool, and a botnet Police DE reports at AMBER (only Police DE sees it)."""
    pool = build_pool(store.engine, tmp_path)
    with store.begin() as conn:
        police = f.principal_for_email(conn, pool.police)
        f.submit_file(conn, police, bundle(tmp_path / "kivuco.json", [
            (malware("Kivuco"), ring("kivuco"))]), tlp="amber")
        network = analysis.networks(conn, police)["networks"][0]
    return pool, network["id"]


def _main(text: str) -> str:
    found = re.search(r"<main>.*</main>", text, re.S)
    assert found, text[-300:]
    return found.group(0)


def test_an_analyst_sees_the_network_its_targets_and_opens_an_operation(
        store: Store, tmp_path: Path) -> None:
    pool, network_id = _with_network(store, tmp_path)
    police = signed_in(store.engine, pool.police)
    listing = police.get("/networks")
    assert listing.status_code == 200 and f"/networks/{network_id}" in listing.text
    assert "Kivuco" in listing.text  # the explanation names the entity
    assert "No network" in police.get("/networks?min_size=50").text
    assert "page 1 of 1" in listing.text
    exported = police.get("/networks.csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == ["id", "size", "themes", "partners", "cohesion", "why"]
    assert [r[0] for r in rows[1:]] == re.findall(r'href="/networks/([^"/]+)"', listing.text)
    assert "Kivuco" in rows[1][5] and rows[1][3] == "Police DE"
    assert police.get("/networks?page=0").status_code == 422
    page = police.get(f"/networks/{network_id}")
    assert page.status_code == 200
    assert PANEL in page.text and "c2-panel" in page.text and "Ranked targets" in page.text
    assert f"/graph?network={network_id}" in page.text
    opened = police.post(f"/networks/{network_id}/operation",
                         data={"csrf": csrf_of(page.text), "name": "Operation Kivuco"})
    assert opened.status_code == 200 and re.fullmatch(r"/operations/\d+", opened.url.path)
    assert f"url {PANEL}" in opened.text and "entity" in opened.text


def test_the_graph_json_draws_the_neighbourhood_with_evidence(
        store: Store, tmp_path: Path) -> None:
    pool, network_id = _with_network(store, tmp_path)
    police = signed_in(store.engine, pool.police)
    view = police.get("/graph.json", params={"value": PANEL, "depth": 2}).json()
    values = {n.get("value") for n in view["nodes"]}
    assert PANEL in values and "c2-0.kivuco-ops.com" in values
    assert all(ev["originator"] == "Police DE" for e in view["edges"]
               for ev in e["evidence"] if "contribution" in ev)
    around = police.get("/graph.json", params={"network": network_id}).json()
    assert len(around["nodes"]) >= 6
    placed = police.get("/graph.json", params={"value": PANEL, "depth": 2,
                                                "place": "true"}).json()
    assert {n["id"] for n in placed["nodes"]} == {n["id"] for n in view["nodes"]}
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float)
               for n in placed["nodes"])
    assert len({(n["x"], n["y"]) for n in placed["nodes"]}) > 1
    assert "x" not in view["nodes"][0]  # an expansion is laid out in the browser
    assert police.get("/graph?value=x").status_code == 200
    selector = police.get("/selector", params={"value": PANEL})
    assert "/graph?value=" in selector.text


def test_a_stranger_sees_no_network_and_an_unknown_graph(store: Store, tmp_path: Path) -> None:
    pool, network_id = _with_network(store, tmp_path)
    stranger = signed_in(store.engine, pool.stranger)
    listing = stranger.get("/networks")
    assert listing.status_code == 200 and network_id not in listing.text
    assert stranger.get("/networks.csv").text.strip() == "id,size,themes,partners,cohesion,why"
    assert "Kivuco" not in listing.text and "kivuco" not in listing.text
    seen, never = stranger.get(f"/networks/{network_id}"), stranger.get("/networks/n-missing")
    assert seen.status_code == never.status_code == 404
    assert _main(seen.text).replace(network_id, "X") == _main(never.text).replace(
        "n-missing", "X")
    posted = stranger.post(f"/networks/{network_id}/operation",
                           data={"csrf": csrf_of(listing.text), "name": "Not theirs"})
    assert posted.status_code == 404
    hidden = stranger.get("/graph.json", params={"value": PANEL})
    unknown = stranger.get("/graph.json", params={"value": "http://panel.never-seen.com/a"})
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["nodes"] == unknown.json()["nodes"] == []
    assert hidden.json()["error"].replace(PANEL, "X") == unknown.json()["error"].replace(
        "http://panel.never-seen.com/a", "X")
    by_network = stranger.get("/graph.json", params={"network": network_id})
    assert by_network.status_code == 404 and by_network.json()["nodes"] == []


def test_a_reader_without_analysis_is_refused_cleanly(store: Store, tmp_path: Path) -> None:
    _, network_id = _with_network(store, tmp_path)
    with store.begin() as conn:
        reader = password_user(conn, "Police DE", "reader")
    client = signed_in(store.engine, reader)
    assert 'href="/networks"' not in client.get("/").text
    for path in ("/networks", f"/networks/{network_id}", "/graph?value=x"):
        page = client.get(path)
        assert page.status_code == 403 and "analysis:run" in page.text, path
    refused = client.get("/graph.json", params={"value": PANEL})
    assert refused.status_code == 403 and refused.json()["nodes"] == []
