"""An address inside an autonomous system, linked only where a contribution says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, delete

from intelpool.access import Principal
from intelpool.analysis import cache, service
from intelpool.db.tables import analysis_cache
from tests import factories as f
from tests.conftest import Store

WHEN = "2025-03-01T00:00:00.000Z"
AS_ID = "autonomous-system--00000000-0000-4000-8000-00000000a500"


def _stix(path: Path, address: str, number: int, *, stated: bool = True) -> Path:
    """A STIX 2.1 bundle: an address object (naming its system in ``belongs_to_refs`` when
    ``stated``), the system, and an address that names none."""
    ip: dict[str, Any] = {"type": "ipv4-addr", "spec_version": "2.1", "value": address,
                          "id": "ipv4-addr--00000000-0000-4000-8000-0000000000a1"}
    if stated:
        ip["belongs_to_refs"] = [AS_ID]
    objects = [ip,
               {"type": "autonomous-system", "spec_version": "2.1", "id": AS_ID,
                "number": number, "name": "Iron Host"},
               {"type": "ipv4-addr", "spec_version": "2.1", "value": "45.137.22.200",
                "id": "ipv4-addr--00000000-0000-4000-8000-0000000000a2"}]
    path.write_bytes(orjson.dumps({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-"
                                   "0000000000b1", "objects": objects}))
    return path


def _misp(path: Path) -> Path:
    """A MISP event: an ``asn`` object announcing a netblock, an ``ip-api-address`` object
    with an address and its AS, and an object naming two systems for one address (which
    says nothing about which one holds it)."""
    def attr(n: int, kind: str, relation: str, value: str) -> dict[str, Any]:
        return {"uuid": f"a5a5a5a5-0000-4000-8000-{n:012d}", "type": kind,
                "category": "Network activity", "object_relation": relation, "value": value,
                "to_ids": False, "timestamp": "1709280000"}

    def obj(n: int, name: str, attrs: list[dict[str, Any]]) -> dict[str, Any]:
        return {"uuid": f"0b0b0b0b-0000-4000-8000-{n:012d}", "name": name,
                "meta-category": "network", "timestamp": "1709280000", "Attribute": attrs}

    event = {"Event": {
        "uuid": "0e0e0e0e-0000-4000-8000-00000000a5a5", "info": "Iron Host ranges",
        "date": "2025-03-01", "threat_level_id": "2", "analysis": "1", "distribution": "1",
        "published": False, "timestamp": "1709280000",
        "Orgc": {"name": "CERT-EX", "uuid": "0f0f0f0f-0000-4000-8000-00000000a5a5"},
        "Attribute": [],
        "Object": [
            obj(1, "asn", [attr(1, "AS", "asn", "AS64511"),
                           attr(2, "ip-src", "subnet-announced", "91.215.87.0/24")]),
            obj(2, "ip-api-address", [attr(3, "ip-src", "ip-src", "91.215.86.23"),
                                      attr(4, "AS", "asn", "AS64512")]),
            obj(3, "ip-api-address", [attr(5, "ip-src", "ip-src", "91.215.86.99"),
                                      attr(6, "AS", "asn", "AS64513"),
                                      attr(7, "AS", "asn", "AS64514")]),
        ]}}
    path.write_bytes(orjson.dumps(event))
    return path


def _fresh_graph(conn: Connection, viewer: Principal, value: str) -> dict[str, Any]:
    conn.execute(delete(analysis_cache))
    cache.forget()
    return service.graph(conn, viewer, value, depth=1)


def _asn_links(view: dict[str, Any]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(address, ASN) -> evidence of every "in ASN" edge of a graph view."""
    value = {n["id"]: str(n.get("value")) for n in view["nodes"]}
    out = {}
    for e in view["edges"]:
        if e["label"] == "in ASN":
            ends = sorted((value[e["source"]], value[e["target"]]), key=lambda v: v[:2] == "AS")
            out[ends[0], ends[1]] = e["evidence"]
    return out


def test_a_stix_address_naming_its_system_is_linked_to_it_with_that_evidence(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        viewer = f.member(conn, "Police DE")
        partner = f.member(conn, "Police NL")
        f.submit_file(conn, partner, _stix(tmp_path / "nl.json", "45.137.21.10", 64511),
                      anonymous=True)
        stated = _asn_links(_fresh_graph(conn, viewer, "AS64511"))
        other = _fresh_graph(conn, viewer, "45.137.22.200")
    assert list(stated) == [("45.137.21.10", "AS64511")]
    evidence = stated["45.137.21.10", "AS64511"]
    assert [e["originator"] for e in evidence] == ["a partner"] and evidence[0]["contribution"]
    assert _asn_links(other) == {}


def test_misp_objects_and_csv_rows_link_an_address_to_their_one_system(
        store: Store, tmp_path: Path) -> None:
    table = tmp_path / "ranges.csv"
    table.write_text("domain,ip,asn\nironhost-bp.com,91.215.85.77,AS64515\n"
                     "other.example,91.215.85.78,\n", encoding="utf-8")
    with store.begin() as conn:
        viewer = f.member(conn, "Police DE")
        f.submit_file(conn, viewer, _misp(tmp_path / "event.json"))
        f.submit_file(conn, viewer, table, fmt="csv")
        found = {}
        for value in ("AS64511", "AS64512", "AS64513", "AS64514", "AS64515"):
            found |= _asn_links(_fresh_graph(conn, viewer, value))
    assert sorted(found) == [("91.215.85.77", "AS64515"), ("91.215.86.23", "AS64512"),
                             ("91.215.87.0/24", "AS64511")]
    assert all(e[0]["originator"] == "Police DE" for e in found.values())


def test_a_viewer_who_may_not_see_the_statement_gets_no_such_link(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        viewer = f.member(conn, "Police DE")
        partner = f.member(conn, "Police NL")
        # The viewer holds both selectors itself, unlinked by anything it may see.
        f.submit_file(conn, viewer, _stix(tmp_path / "own.json", "45.137.21.10", 64511,
                                          stated=False))
        before = orjson.dumps(_fresh_graph(conn, viewer, "AS64511"))
        for n, tlp in enumerate(("amber", "red")):
            f.submit_file(conn, partner, _stix(tmp_path / f"nl{n}.json", "45.137.21.10", 64511),
                          tlp=tlp)
        f.submit_file(conn, partner, _misp(tmp_path / "event.json"), tlp="amber")
        after = _fresh_graph(conn, viewer, "AS64511")
        theirs = _asn_links(_fresh_graph(conn, partner, "AS64511"))
    assert _asn_links(after) == {} and orjson.dumps(after) == before
    assert sorted(theirs) == [("45.137.21.10", "AS64511"), ("91.215.87.0/24", "AS64511")]
    assert len(theirs["45.137.21.10", "AS64511"]) == 2  # one piece of evidence per statement
