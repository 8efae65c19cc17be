"""Networks, targets, entities and the link graph as a viewer gets them, on both stores."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy import Connection, delete, func, select

from intelpool.access import Principal
from intelpool.analysis import cache, service
from intelpool.db.tables import analysis_cache
from intelpool.errors import Forbidden, NotFound
from intelpool.partners import service as partners
from tests import factories as f
from tests.analysis.builders import actor, bundle, malware, observed, ring
from tests.conftest import Store


def _pool(conn: Connection, tmp: Path, shared: str = "green") -> dict[str, Principal]:
    """Police DE (the viewer) and Police NL (sharing with the pool, or with DE when
    ``shared`` is amber) report two botnets."""
    viewer = f.member(conn, "Police DE")
    partner = f.member(conn, "Police NL")
    kivuco, other = ring("kivuco"), ring("otherbot")
    f.submit_file(conn, viewer, bundle(tmp / "de.json", [
        (malware("Kivuco"), kivuco[:4]), (malware("Otherbot"), other[:4])]), tlp="amber")
    f.submit_file(conn, partner, bundle(tmp / "nl.json", [
        (malware("kivuco", aliases=["KivuBot"]), kivuco[2:]),
        (actor("Iron Heron"), [kivuco[0]]),
        (malware("OTHER-BOT"), other[3:])]), tlp=shared, anonymous=True,
        audience=["org:Police DE"] if shared != "green" else [])
    return {"viewer": viewer, "partner": partner}


def _everything(conn: Connection, viewer: Principal, value: str) -> bytes:
    conn.execute(delete(analysis_cache))  # recompute from the data, not from the cache
    cache.forget()
    return orjson.dumps([service.networks(conn, viewer), service.targets(conn, viewer, top=50),
                         service.entities(conn, viewer),
                         service.graph(conn, viewer, value, depth=3)])


def test_two_operations_become_two_networks_with_their_entities(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _pool(conn, tmp_path)
        found = service.networks(conn, who["viewer"])["networks"]
    assert len(found) == 2
    by_entity = {name: n for n in found for e in n["entities"] for name in e["names"]}
    kivuco = by_entity["Kivuco"]
    assert by_entity["Iron Heron"] is kivuco and by_entity["Otherbot"] is not kivuco
    assert {(m["type"], m["value"]) for m in kivuco["members"]} == {
        (t, v) for t, v, _ in ring("kivuco")}
    panel = next(m for m in kivuco["members"] if m["type"] == "url")
    assert (panel["role"], panel["partners"]) == ("c2-panel", 2)
    assert kivuco["partners"] == ["Police DE", "a partner"]  # anonymity as search shows it
    assert kivuco["why"] and 0 < kivuco["cohesion"] <= 1
    names = next(e for e in kivuco["entities"] if e["name"] == "Kivuco")["names"]
    assert names == ["KivuBot", "Kivuco", "kivuco"]
    with store.begin() as conn:
        assert service.network(conn, who["viewer"], kivuco["id"]) == kivuco


def test_an_operation_opens_from_a_network_with_its_members_and_entities(
        store: Store, tmp_path: Path) -> None:
    from intelpool.operations import service as operations

    with store.begin() as conn:
        who = _pool(conn, tmp_path)
        found = service.networks(conn, who["viewer"])["networks"]
        kivuco = next(n for n in found if any(e["name"] == "Kivuco" for e in n["entities"]))
        op = operations.create(conn, who["viewer"], "Operation Kivuco",
                               from_network=kivuco["id"])
        targets = {t.target for t in operations.show(conn, who["viewer"], op).targets}
        assert {f"{m['type']} {m['value']}" for m in kivuco["members"]} <= targets
        assert any(t.startswith("entity ") for t in targets)
        stranger = f.member(conn, "Bank Stranger", kind="private")
        with pytest.raises(NotFound, match="no network"):
            operations.create(conn, stranger, "Not theirs", from_network=kivuco["id"])


def test_network_ids_stay_while_the_data_does_and_the_cache_follows_new_data(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _pool(conn, tmp_path)
        first = service.networks(conn, who["viewer"])
    with store.begin() as conn:
        assert conn.execute(select(func.count()).select_from(analysis_cache)).scalar() == 1
        assert service.networks(conn, who["viewer"]) == first
        f.submit_file(conn, who["partner"], bundle(tmp_path / "more.json", [
            (malware("Third"), ring("third"))]), tlp="green")
        later = service.networks(conn, who["viewer"])
    assert len(later["networks"]) == 3
    assert {n["id"] for n in first["networks"]} < {n["id"] for n in later["networks"]}


def test_networks_come_a_page_at_a_time_largest_first(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _pool(conn, tmp_path)
        f.submit_file(conn, who["partner"], bundle(tmp_path / "more.json", [
            (malware("Third"), ring("third"))]), tlp="green")
        whole = service.networks(conn, who["viewer"])
        cache.forget()  # pages are read from the store, as a new process reads them
        first = service.networks(conn, who["viewer"], limit=2)
        rest = service.networks(conn, who["viewer"], limit=2, offset=first["next_offset"])
    assert (whole["total"], first["total"], first["next_offset"]) == (3, 3, 2)
    assert "next_offset" not in whole and "next_offset" not in rest
    assert first["networks"] + rest["networks"] == whole["networks"]
    assert [n["size"] for n in whole["networks"]] == sorted(
        (n["size"] for n in whole["networks"]), reverse=True)


def test_targets_rank_within_each_network_with_reasons(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _pool(conn, tmp_path)
        result = service.targets(conn, who["viewer"], top=3)["targets"]
    assert [t["rank"] for t in result] == [1, 2, 3, 1, 2, 3]
    first = result[0]
    assert list(first)[:2] == ["rank", "network"]
    assert (first["type"], first["role"]) == ("url", "c2-panel")
    assert "role: c2-panel" in first["why"] and "reported by 2 partners" in first["why"]


def test_data_the_viewer_may_not_see_changes_nothing(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _pool(conn, tmp_path)
        value = ring("kivuco")[1][1]
        before = _everything(conn, who["viewer"], value)
        f.member(conn, "Bank NL", "private")
        hidden = f.member(conn, "Police FR")
        partners.add_group(conn, f.OPERATOR, "Banks", ["Bank NL", "Police FR"])
        bridge = [ring("kivuco")[1], ring("otherbot")[2], ("ipv4", "45.137.21.9", "c2")]
        for n, (tlp, audience, anonymous) in enumerate((
                ("amber", [], False), ("red", [], False), ("amber+strict", [], True),
                ("amber", ["group:Banks"], False), ("amber", ["org:Bank NL"], True))):
            f.submit_file(conn, hidden, bundle(tmp_path / f"hidden{n}.json", [
                (malware("Kivuco", aliases=["Otherbot"]), bridge)]), tlp=tlp,
                audience=audience, anonymous=anonymous)
            # Observed-data of both botnets' domains, as a record of each STIX version.
            for version in (False, True):
                f.submit_file(conn, hidden, observed(
                    tmp_path / f"observed{n}{version}.json",
                    [ring("kivuco")[1][1], ring("otherbot")[2][1]], stix20=version),
                    tlp=tlp, audience=audience, anonymous=anonymous)
        after = _everything(conn, who["viewer"], value)
    assert after == before


def test_the_analysis_is_the_same_in_the_submitting_transaction_and_after(
        store: Store, tmp_path: Path) -> None:
    """Outside a transaction SQLite reads part of the data on a second connection; inside
    the one that submitted it, only the caller's connection sees it."""
    with store.begin() as conn:
        who = _pool(conn, tmp_path)
        value = ring("kivuco")[1][1]
        inside = _everything(conn, who["viewer"], value)
        conn.execute(delete(analysis_cache))
    cache.forget()
    with store.begin() as conn:  # writes nothing before the analysis
        after = orjson.dumps([service.networks(conn, who["viewer"]),
                              service.targets(conn, who["viewer"], top=50),
                              service.entities(conn, who["viewer"]),
                              service.graph(conn, who["viewer"], value, depth=3)])
    assert after == inside
    assert len(orjson.loads(after)[0]["networks"]) == 2


def test_a_stranger_sees_nothing_on_any_analysis_path(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _pool(conn, tmp_path, shared="amber")
        for n, tlp in enumerate(("amber", "red")):
            f.submit_file(conn, who["partner"], bundle(tmp_path / f"x{n}.json", [
                (malware("Secret"), ring(f"secret{n}"))]), tlp=tlp)
        nid = service.networks(conn, who["viewer"])["networks"][0]["id"]
        stranger = f.member(conn, "Police PL")
        assert service.networks(conn, stranger)["networks"] == []
        page = service.networks(conn, stranger, limit=1)
        assert (page["networks"], page["total"], "next_offset" in page) == ([], 0, False)
        assert service.targets(conn, stranger)["targets"] == []
        assert service.entities(conn, stranger)["entities"] == []
        value = ring("kivuco")[0][1]
        with pytest.raises(NotFound) as seen:
            service.graph(conn, stranger, value)
        with pytest.raises(NotFound) as unknown:
            service.graph(conn, stranger, "http://never-reported.example.org/x")
        assert str(seen.value).replace(value, "X") == str(unknown.value).replace(
            "http://never-reported.example.org/x", "X")
        for call in (lambda: service.network(conn, stranger, nid),
                     lambda: service.targets(conn, stranger, network_id=nid),
                     lambda: service.path(conn, stranger, value, ring("kivuco")[1][1]),
                     lambda: service.graph(conn, stranger, None, entity="Kivuco")):
            with pytest.raises(NotFound):
                call()


def test_a_feed_does_not_merge_its_lines_and_warninglisted_values_link_nothing(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _pool(conn, tmp_path)
        feed = [v for _, v, _ in ring("kivuco") + ring("otherbot")]
        feed += [f"198.51.{i // 200}.{i % 200 + 1}" for i in range(300)]
        f.submit_lines(conn, who["partner"], tmp_path, feed, tlp="green")
        for n, name in enumerate(("Kivuco", "Otherbot")):
            f.submit_file(conn, who["partner"], bundle(tmp_path / f"w{n}.json", [
                (malware(name), [("ipv4", "8.8.8.8", "c2")])]), tlp="green")
        found = service.networks(conn, who["viewer"])
        assert sorted(n["size"] for n in found["networks"]) == [6, 6]
        assert found["warninglisted"] == 1
        with pytest.raises(NotFound, match="warninglist"):
            service.graph(conn, who["viewer"], "8.8.8.8")


def test_two_long_lists_link_the_selectors_they_share_and_nothing_else(
        store: Store, tmp_path: Path) -> None:
    shared = ["cash-out.kivuco-ops.com", "drop.kivuco-ops.com", "mule.kivuco-ops.com"]
    with store.begin() as conn:
        who = _pool(conn, tmp_path)
        for n, who_lists in enumerate(("viewer", "partner")):
            filler = [f"filler-{n}-{i}.unrelated-{n}.net" for i in range(40)]
            f.submit_lines(conn, who[who_lists], tmp_path, [*filler, *shared], tlp="green")
        once = [f"once-{i}.elsewhere.net" for i in range(40)] + shared[:1]
        f.submit_lines(conn, who["partner"], tmp_path, once, tlp="green")
        found = service.networks(conn, who["viewer"])["networks"]
    members = [{m["value"] for m in n["members"]} for n in found]
    assert set(shared) in members and len(found) == 3
    assert not any(v.startswith(("filler", "once")) for group in members for v in group)


def test_a_server_inside_a_hosters_netblock_is_a_member_of_both_networks(
        store: Store, tmp_path: Path) -> None:
    hoster = [("cidr", "45.137.21.0/24", "bulletproof-netblock"),
              ("domain", "ironhost-bp.com", "provider-website"),
              ("email", "sales@ironhost-bp.com", "provider-contact")]
    server = ("ipv4", "45.137.21.9", "c2")
    with store.begin() as conn:
        viewer = f.member(conn, "Police DE")
        f.submit_file(conn, viewer, bundle(tmp_path / "de.json", [
            (actor("Iron Host"), hoster), (malware("Kivuco"), [*ring("kivuco"), server])]))
        found = service.networks(conn, viewer)["networks"]
        ranked = service.targets(conn, viewer, top=50)["targets"]
    assert len(found) == 2
    by_name = {e["name"]: n for n in found for e in n["entities"]}
    # The server is the botnet's target, not one of its hoster's.
    assert {t["network"] for t in ranked if t.get("value") == server[1]} == {
        by_name["Kivuco"]["id"]}
    in_botnet = next(m for m in by_name["Kivuco"]["members"] if m["value"] == server[1])
    in_hoster = next(m for m in by_name["Iron Host"]["members"] if m["value"] == server[1])
    assert "shared" not in in_botnet and in_hoster["shared"] is True
    assert len({n["id"] for n in found}) == 2


def test_a_selector_two_partners_file_under_two_actors_joins_both_not_one(
        store: Store, tmp_path: Path) -> None:
    scanner = ("ipv4", "45.137.21.9", "scanner")
    with store.begin() as conn:
        who = _pool(conn, tmp_path)
        f.submit_file(conn, who["viewer"], bundle(tmp_path / "broker.json", [
            (actor("Quiet Broker"), [*ring("broker"), scanner])]))
        f.submit_file(conn, who["partner"], bundle(tmp_path / "hoster.json", [
            (actor("Iron Host"), [*ring("ironhost"), scanner])]))
        found = service.networks(conn, who["viewer"])["networks"]
        ranked = service.targets(conn, who["viewer"], top=50)["targets"]
    by_name = {e["name"]: n for n in found for e in n["entities"]}
    broker, hoster = by_name["Quiet Broker"], by_name["Iron Host"]
    assert broker["id"] != hoster["id"]
    held = [[m for m in n["members"] if m["value"] == scanner[1]] for n in (broker, hoster)]
    assert all(len(h) == 1 and h[0]["shared"] is True for h in held)
    # Listed in both, it is a target in both, with the reason it is shared.
    as_target = [t for t in ranked if t.get("value") == scanner[1]]
    assert {t["network"] for t in as_target} == {broker["id"], hoster["id"]}
    assert all(any("shared" in why for why in t["why"]) for t in as_target)


def test_the_graph_shows_typed_edges_with_their_evidence(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        who = _pool(conn, tmp_path)
        panel = ring("kivuco")[0][1]
        view = service.graph(conn, who["viewer"], "hxxp://panel.kivuco-ops[.]com/admin.php",
                             depth=2)
        path = service.path(conn, who["viewer"], panel, "entity:iron heron")
        none = service.path(conn, who["viewer"], panel, ring("otherbot")[0][1])
    assert view["center"] == f"url:{panel}"
    labels = {(n["kind"], n.get("name") or n.get("value")) for n in view["nodes"]}
    assert ("entity", "Kivuco") in labels and ("entity", "Iron Heron") in labels
    assert ("selector", "kivuco-ops.com") not in labels  # never reported: no node
    indicates = [e for e in view["edges"] if e["label"] == "indicates"]
    assert {x["originator"] for e in indicates for x in e["evidence"]} == {
        "Police DE", "a partner"}
    assert len(path["paths"]) == 1 and len(path["paths"][0]) == 2
    assert none["paths"] == [] and "no path" in none["message"]


def test_empty_pool_and_unknown_things(store: Store) -> None:
    with store.begin() as conn:
        viewer = f.member(conn, "Police DE")
        assert service.networks(conn, viewer)["networks"] == []
        with pytest.raises(NotFound, match="no network 'N123'"):
            service.targets(conn, viewer, network_id="N123")
        with pytest.raises(NotFound, match="no entity named 'Nobody'"):
            service.graph(conn, viewer, None, entity="Nobody")
        reader = f.user(conn, "Police DE", "reader")
        with pytest.raises(Forbidden, match="analysis:run"):
            service.networks(conn, reader)


def test_the_selectors_of_one_misp_object_form_a_network(store: Store, tmp_path: Path) -> None:
    def uuid(n: int) -> str:
        return f"5f0c0000-0000-4000-8000-{n:012d}"

    inside = [("domain", "drop.kivuco-ops.com"), ("ip-dst", "45.155.205.7"),
              ("ip-dst", "45.155.205.8")]
    loose = [("domain", "c2-1.otherbot-ops.com"), ("ip-dst", "45.155.206.9"),
             ("url", "http://panel.otherbot-ops.com/admin.php")]
    event = {"Event": {"info": "mule infrastructure", "Attribute": [
        {"type": t, "value": v, "uuid": uuid(i)} for i, (t, v) in enumerate(loose, 1)],
        "Object": [{"name": "domain-ip", "uuid": uuid(10), "Attribute": [
            {"type": t, "value": v, "uuid": uuid(i)} for i, (t, v) in enumerate(inside, 11)]}]}}
    path = tmp_path / "event.json"
    path.write_bytes(orjson.dumps(event))
    with store.begin() as conn:
        viewer = f.member(conn, "Police DE")
        f.submit_file(conn, viewer, path)
        found = service.networks(conn, viewer)["networks"]
    assert len(found) == 1
    assert {m["value"] for m in found[0]["members"]} == {v for _, v in inside}
    assert found[0]["links"] == {"reported-together": 3}
