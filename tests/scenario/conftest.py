"""A small scenario shared by the scenario tests, and helpers to read its files back."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest

from intelpool.formats.records import ImportOptions, ObservationRecord, Rejection
from intelpool.formats.registry import get_importer
from intelpool.observables import parse_selector
from intelpool.scenario.generate import generate

SMALL = 0.05


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scenario")
    generate(out, scale=SMALL, seed=7)
    return out


def read_json(path: Path) -> Any:
    return orjson.loads(path.read_bytes())


def canonical(kind: str | None, value: str) -> tuple[str, str]:
    found_kind, found_value = parse_selector(value, kind)
    return str(found_kind), found_value


def file_selectors(directory: Path, entry: dict[str, Any]) -> set[tuple[str, str]]:
    """The (type, canonical value) pairs the pool's importer reads from one contribution."""
    out = set()
    importer = get_importer(entry["format"])
    with (directory / entry["file"]).open("rb") as stream:
        for record in importer.parse(stream, ImportOptions()):
            assert not isinstance(record, Rejection), (entry["file"], record)
            if isinstance(record, ObservationRecord):
                out.add(canonical(record.type, record.value))
    return out


def planted_holders(truth: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    """Every planted selector and decoy with the partners the ground truth says hold it."""
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for structure in truth["structures"]:
        for member in structure["members"]:
            holders[canonical(member["type"], member["value"])] |= set(member["seen_by"])
    for decoy in truth["decoys"]:
        holders[canonical(decoy["type"], decoy["value"])] |= set(decoy["seen_by"])
    return holders
