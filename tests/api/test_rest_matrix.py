"""Every read route, asked by an organisation with no business with the data: it sees
nothing, counts nothing, and what it may not see answers like what does not exist."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from intelpool.api.app import create_app
from intelpool.api.guard import route_permissions
from intelpool.db.engine import make_engine
from intelpool.operations import rfi, service
from tests.api.conftest import World
from tests.conftest import Store

# What each GET route answers a stranger. A new GET route fails the first test until it is
# listed here with the answer a stranger must get.
EMPTY_PAGE = {"items": [], "next": None}
STRANGER: dict[str, tuple[dict[str, object], object]] = {
    "/api/v1/contributions": ({}, EMPTY_PAGE),
    "/api/v1/contributions/{contribution_id}": ({}, 404),
    "/api/v1/search": ({"value": "45.137.21.9"}, {"value": "45.137.21.9", "results": []}),
    "/api/v1/hits": ({}, EMPTY_PAGE),
    "/api/v1/hits/widespread": ({}, []),
    "/api/v1/access-requests": ({}, EMPTY_PAGE),
    "/api/v1/notifications": ({}, EMPTY_PAGE),
    "/api/v1/audit": ({}, "own-only"),
    "/api/v1/score": ({"value": "45.137.21.9"}, "zero"),
    "/api/v1/export": ({"format": "csv"}, "no-content"),
    # Membership, not content: every member knows who it shares with.
    "/api/v1/organisations": ({}, "membership"),
    "/api/v1/groups": ({}, EMPTY_PAGE),
    "/api/v1/users": ({}, "own-only"),
    "/api/v1/warninglists": ({}, "membership"),
    "/api/v1/health": ({}, "membership"),
    "/api/v1/feeds": ({}, []),
    # Another organisation's jobs are tested in tests/jobs; here: none listed, none found.
    "/api/v1/jobs": ({}, {"jobs": []}),
    "/api/v1/jobs/{job_id}": ({}, 404),
    # Analysis runs over what the stranger may see: nothing to start from, nothing found.
    "/api/v1/graph": ({"value": "45.137.21.9"}, 404),
    "/api/v1/graph/path": ({"a": "45.137.21.9", "b": "evil-c2.net"}, 404),
    "/api/v1/entities": ({}, {"entities": []}),
    "/api/v1/networks": ({}, {"networks": [], "total": 0, "next_offset": None, "hubs_cut": [],
                              "warninglisted": 0}),
    "/api/v1/networks/{network_id}": ({}, 404),
    "/api/v1/targets": ({}, {"targets": []}),
    "/api/v1/statistics": ({"by": "theme"}, "zero-counts"),
    "/api/v1/trends": ({}, "no-trends"),
    "/api/v1/reports": ({"period": f"{date.today():%Y-%m}"}, "no-content"),
    # Operations and requests for information of others: none listed, none found.
    "/api/v1/operations": ({}, EMPTY_PAGE),
    "/api/v1/operations/{operation_id}": ({}, 404),
    "/api/v1/operations/{operation_id}/timeline": ({}, 404),
    "/api/v1/tasks": ({}, EMPTY_PAGE),
    "/api/v1/deconfliction": ({}, EMPTY_PAGE),
    "/api/v1/held": ({}, {"items": []}),
    "/api/v1/rfis": ({}, EMPTY_PAGE),
    "/api/v1/rfis/{rfi_id}": ({}, 404),
}
# Ids the stranger asks for: others' (made in the test) where the route has them.
IDS = {"{job_id}": "1", "{network_id}": "n1"}


def test_every_read_route_is_in_the_matrix() -> None:
    gets = {path for methods, path, _ in route_permissions(create_app(make_engine("sqlite://")))
            if "GET" in methods.split(",") and path.startswith("/api/v1/")}
    assert gets - {"/api/v1/openapi.json", "/api/v1/docs"} == set(STRANGER)


def test_a_stranger_sees_nothing_on_any_read_route(client: TestClient, world: World,
                                                    store: Store) -> None:
    with store.begin() as conn:
        operation = service.create(conn, world.police_user, "Botnet takedown", themes=["botnet"])
        asked = rfi.create(conn, world.police_user, rfi.RfiRequest(
            to=["Bank NL"], question="Who hosts 45.137.21.9?", selectors=["45.137.21.9"]))
    ids = {**IDS, "{contribution_id}": str(world.secret_id), "{operation_id}": str(operation),
           "{rfi_id}": str(asked)}
    for path, (params, expected) in STRANGER.items():
        url = path
        for name, value in ids.items():
            url = url.replace(name, value)
        response = client.get(url, params=params, headers=world.stranger)  # type: ignore[arg-type]
        if expected == 404:
            assert response.status_code == 404, path
            continue
        assert response.status_code == 200, (path, response.text)
        if expected == "own-only":
            text = response.text
            assert "Police DE" not in text and "police" not in text.lower(), path
        elif expected == "zero":
            assert response.json()["organisations"] == 0 and response.json()["sightings"] == []
        elif expected == "zero-counts":
            rows = response.json()["rows"]
            assert all(v in (0, None) for row in rows for k, v in row.items()
                       if k in response.json()["measures"]), rows
        elif expected == "no-trends":
            assert response.json()["trends"] == [], path
        elif expected == "no-content":
            assert b"45.137.21.9" not in response.content and b"evil-c2" not in response.content
        elif expected != "membership":
            assert response.json() == expected, path


def test_the_same_routes_show_the_audience_what_it_may_see(client: TestClient,
                                                           world: World) -> None:
    assert client.get("/api/v1/search", params={"value": "evil-c2.net"},
                      headers=world.bank).json()["results"]
    assert client.get("/api/v1/hits", headers=world.bank).json()["items"]
    assert b"evil-c2.net" in client.get("/api/v1/export", params={"format": "csv"},
                                        headers=world.bank).content
