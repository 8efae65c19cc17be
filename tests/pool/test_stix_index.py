"""The index of served STIX ids names only contributions that exist.

On PostgreSQL the index has no foreign key to ``contributions`` (migration 0026: a trigger
per inserted row); these tests check what the key guarded, on both stores.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Connection

import intelpool
from intelpool.errors import InvalidInput
from intelpool.formats.stix.builders import observation_id
from intelpool.pool.stix_ids import key
from tests import factories as f
from tests.conftest import Store

DATA = Path(__file__).parents[1] / "data" / "stix"
SOURCE = Path(intelpool.__file__).parent


def _orphans(conn: Connection) -> int:
    return int(conn.exec_driver_sql(
        "SELECT count(*) FROM stix_ids s LEFT JOIN contributions c ON c.id = s.contribution_id "
        "WHERE c.id IS NULL").scalar_one())


def test_every_indexed_id_names_a_stored_contribution(store: Store, tmp_path: Path) -> None:
    with store.begin() as conn:
        police, bank = f.member(conn, "Police DE"), f.member(conn, "Bank NL", "private")
        # a bundle with stricter-marked objects (parts of its own) and a later copy of it
        f.submit_file(conn, police, DATA / "bundle21.json")
        f.submit_file(conn, bank, DATA / "bundle21.json", tlp="amber")
        f.submit_lines(conn, bank, tmp_path, ["45.137.21.9", "evil-c2.net"])
    with store.begin() as conn, pytest.raises(InvalidInput):
        f.submit_file(conn, police, DATA / "truncated.json", fmt="stix")
    with store.begin() as conn:
        indexed = conn.exec_driver_sql("SELECT count(DISTINCT contribution_id) FROM stix_ids"
                                       ).scalar_one()
        parts = conn.exec_driver_sql("SELECT count(*) FROM contributions "
                                     "WHERE parent_id IS NOT NULL").scalar_one()
        assert parts > 0 and indexed >= 3
        assert _orphans(conn) == 0


def test_no_statement_deletes_a_contribution() -> None:
    """Contributions are never deleted: the indexes filled with them (``stix_ids``, and on
    PostgreSQL ``observations``) rely on it, having no key to cascade from. Code that comes
    to delete one must delete their rows in the same transaction."""
    deleting = re.compile(r"delete\(\s*contributions\b|DELETE\s+FROM\s+contributions\b",
                          re.IGNORECASE)
    found = [str(path.relative_to(SOURCE)) for path in SOURCE.rglob("*.py")
             if "migrations" not in path.parts and deleting.search(path.read_text())]
    assert found == []


def test_each_indicator_is_indexed_once_under_the_id_exports_give_it(
        store: Store, tmp_path: Path) -> None:
    """TAXII finds an indicator by the id exports give it: the plain one for the selector's
    first holder, one of its own for a later holder. Selectors repeated in a later batch of
    the same file (the factories store 50 at a time) are one observation, indexed once."""
    first = [f"first-{i}.example" for i in range(60)]
    again = [f"again-{i}.example" for i in range(30)]
    with store.begin() as conn:
        police, bank = f.member(conn, "Police DE"), f.member(conn, "Bank NL", "private")
        f.submit_lines(conn, police, tmp_path, first[:30])
        f.submit_lines(conn, bank, tmp_path, first + again + again[:10] + first[:5])
    with store.begin() as conn:
        rows = conn.exec_driver_sql(
            "SELECT o.id, b.type, b.value, o.contribution_id, EXISTS (SELECT 1 FROM "
            "observations e WHERE e.observable_id = o.observable_id AND e.contribution_id < "
            "o.contribution_id) FROM observations o JOIN observables b ON b.id = "
            "o.observable_id").all()
        indexed = conn.exec_driver_sql(
            "SELECT stix_key, row_id FROM stix_ids WHERE row_kind = 'o'").all()
    assert len(rows) == 30 + 90
    assert len(indexed) == len(set(indexed))
    served = {(key(observation_id(kind, value, str(cid)) if earlier
                   else observation_id(kind, value)), obs_id)
              for obs_id, kind, value, cid, earlier in rows}
    assert sum(1 for _, _, _, _, earlier in rows if earlier) == 30
    assert served <= set(indexed)
