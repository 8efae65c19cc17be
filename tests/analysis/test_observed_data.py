"""STIX observed-data as a record: its selectors are reported together, and in STIX 2.0 an
address its objects place in an autonomous system is linked to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Connection, delete

from intelpool.access import Principal
from intelpool.analysis import cache, service
from intelpool.db.tables import analysis_cache
from intelpool.errors import NotFound
from tests import factories as f
from tests.conftest import Store

WHEN = "2025-03-01T00:00:00.000Z"
OBSERVED = "observed-data--00000000-0000-4000-8000-0000000000d1"


def _bundle21(path: Path) -> Path:
    """An observed-data naming an address and a domain; a second address stands alone."""
    ip = "ipv4-addr--00000000-0000-4000-8000-0000000000c1"
    domain = "domain-name--00000000-0000-4000-8000-0000000000c2"
    objects: list[dict[str, Any]] = [
        {"type": "ipv4-addr", "spec_version": "2.1", "id": ip, "value": "45.137.21.10"},
        {"type": "domain-name", "spec_version": "2.1", "id": domain,
         "value": "ironhost-panel.com"},
        {"type": "ipv4-addr", "spec_version": "2.1", "value": "45.137.22.200",
         "id": "ipv4-addr--00000000-0000-4000-8000-0000000000c3"},
        {"type": "observed-data", "spec_version": "2.1", "id": OBSERVED, "created": WHEN,
         "modified": WHEN, "first_observed": WHEN, "last_observed": WHEN,
         "number_observed": 1, "object_refs": [ip, domain]}]
    path.write_bytes(orjson.dumps({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-"
                                   "0000000000b2", "objects": objects}))
    return path


def _bundle20(path: Path) -> Path:
    """A STIX 2.0 observed-data: an address belonging to the system beside it."""
    objects = {"0": {"type": "ipv4-addr", "value": "91.215.86.23", "belongs_to_refs": ["1"]},
               "1": {"type": "autonomous-system", "number": 64512}}
    observed = {"type": "observed-data", "id": "observed-data--00000000-0000-4000-8000-"
                "0000000000d2", "created": WHEN, "modified": WHEN, "first_observed": WHEN,
                "last_observed": WHEN, "number_observed": 1, "objects": objects}
    path.write_bytes(orjson.dumps({"type": "bundle", "spec_version": "2.0",
                                   "id": "bundle--00000000-0000-4000-8000-0000000000b3",
                                   "objects": [observed]}))
    return path


def _links(conn: Connection, viewer: Principal, value: str) -> set[tuple[str, str, str]]:
    conn.execute(delete(analysis_cache))
    cache.forget()
    view = service.graph(conn, viewer, value, depth=1)
    name = {n["id"]: str(n.get("value")) for n in view["nodes"]}
    return {(e["label"], *sorted((name[e["source"]], name[e["target"]])))
            for e in view["edges"]}


def test_the_selectors_of_one_observed_data_are_reported_together(
        store: Store, tmp_path: Path) -> None:
    together = {("same observed-data", "45.137.21.10", "ironhost-panel.com")}
    with store.begin() as conn:
        viewer = f.member(conn, "Police DE")
        partner = f.member(conn, "Police NL")
        f.submit_file(conn, partner, _bundle21(tmp_path / "amber.json"), tlp="amber")
        assert _links(conn, partner, "45.137.21.10") == together
        with pytest.raises(NotFound):  # the stranger sees nothing of it
            _links(conn, viewer, "45.137.21.10")
        f.submit_file(conn, viewer, _bundle21(tmp_path / "own.json"))
        assert _links(conn, viewer, "45.137.21.10") == together
        # The evidence is the viewer's own copy: the partner's amber one is not its to see.
        edge = service.graph(conn, viewer, "45.137.21.10", depth=1)["edges"][0]
        assert [e["originator"] for e in edge["evidence"]] == ["Police DE"]
        assert _links(conn, viewer, "45.137.22.200") == set()


def test_a_stix_20_address_belonging_to_the_system_beside_it_is_in_that_asn(
        store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        viewer = f.member(conn, "Police DE")
        stranger = f.member(conn, "Police NL")
        f.submit_file(conn, viewer, _bundle20(tmp_path / "od.json"), tlp="amber")
        # Its objects share the observed-data's id as their record: reported together too.
        assert _links(conn, viewer, "AS64512") == {("in ASN", "91.215.86.23", "AS64512"),
                                                   ("same record", "91.215.86.23", "AS64512")}
        with pytest.raises(NotFound):
            _links(conn, stranger, "AS64512")
