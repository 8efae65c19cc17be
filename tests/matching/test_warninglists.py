"""Warninglists a pool loads from a directory of MISP warninglist files."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from intelpool.errors import InvalidInput
from intelpool.matching.warninglists import load_directory


def _write(folder: Path, name: str, doc: object) -> Path:
    path = folder / name
    path.write_bytes(orjson.dumps(doc))
    return path


def test_misp_warninglist_files_are_read_with_their_source(tmp_path: Path) -> None:
    path = _write(tmp_path, "list.json", {"name": "Bank websites", "type": "hostname",
                                          "list": ["bank.example", " ", "pay.example"]})
    _write(tmp_path, "other.json", {"description": "not a warninglist"})
    (found,) = load_directory(tmp_path)
    assert (found.name, found.kind, found.entries, found.source) == (
        "Bank websites", "hostname", ("bank.example", "pay.example"), str(path))
    assert found.applied


@pytest.mark.parametrize(("content", "message"), [
    (b"{not json", "not valid JSON"),
    (orjson.dumps({"name": "n" * 201, "type": "string", "list": ["x"]}),
     "the name is longer than 200 characters"),
    (orjson.dumps({"name": "No list", "type": "string", "list": "x"}),
     "not a MISP warninglist"),
])
def test_unreadable_warninglists_are_refused_naming_the_file(tmp_path: Path, content: bytes,
                                                             message: str) -> None:
    (tmp_path / "bad.json").write_bytes(content)
    with pytest.raises(InvalidInput, match=message) as refused:
        load_directory(tmp_path)
    assert "bad.json" in str(refused.value)
