"""Damaged files: every importer ends in records or one InvalidInput, never another error.

Each sample the project writes is cut short, has bytes flipped, has JSON values swapped for
values of other types (NUL characters and over-long text among them) or has its lines
shuffled among junk. Records must still hold the types they declare, and the whole submit must
end in a summary or an InvalidInput on both stores, and what was stored must export again.
"""

from __future__ import annotations

import dataclasses
import io
import random
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from intelpool.errors import InvalidInput
from intelpool.formats import records as r
from intelpool.formats.records import ImportOptions, Record
from intelpool.formats.registry import get_importer
from intelpool.pool.export import ExportRequest, export
from tests import factories as f
from tests.conftest import Store

DATA = Path(__file__).parents[1] / "data"
FOREIGN = [None, 0, -1, 1.5, True, "", "x" * 600, [], {}, "192.0.2.1", "a\u0000b",
           ["a", 1], {"id": "x"}]
HINTS = {kind: typing.get_type_hints(kind) for kind in (
    r.DocumentMeta, r.ObservationRecord, r.EntityRecord, r.RelationshipRecord,
    r.ExtraObjectRecord, r.Rejection)}


def _format(path: Path) -> str:
    folder = path.relative_to(DATA).parts[0]
    return f"feed:{path.stem}" if folder == "feeds" else folder


SAMPLES = sorted(p for p in DATA.rglob("*") if p.is_file() and p.parent.name != "feed")


def _swap_values(value: Any, rnd: random.Random) -> Any:
    if isinstance(value, dict):
        return {k: rnd.choice(FOREIGN) if rnd.random() < 0.08 else _swap_values(v, rnd)
                for k, v in value.items() if rnd.random() >= 0.02}
    if isinstance(value, list):
        return [rnd.choice(FOREIGN) if rnd.random() < 0.08 else _swap_values(v, rnd)
                for v in value]
    return value


def damaged(raw: bytes, seed: str) -> Iterator[tuple[str, bytes]]:
    rnd = random.Random(seed)
    for cut in (len(raw) // 3, len(raw) // 2, len(raw) - 1):
        yield f"cut at {cut}", raw[:cut]
    flipped = bytearray(raw)
    for _ in range(3):
        flipped[rnd.randrange(len(flipped))] = rnd.randrange(256)
    yield "bytes flipped", bytes(flipped)
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError:
        lines = raw.splitlines()
        rnd.shuffle(lines)
        yield "lines shuffled", b"\n".join([*lines, b"\x00\xff junk,,;;", b"#", b""])
        return
    for n in range(6):
        yield f"values swapped #{n}", orjson.dumps(_swap_values(parsed, rnd))


def _holds(value: Any, hint: Any) -> bool:
    """Whether ``value`` is of the declared type ``hint`` (unions, tuples, dicts)."""
    origin = typing.get_origin(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_holds(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is tuple:
        args = typing.get_args(hint)
        if args[-1] is Ellipsis:  # tuple[str, ...]
            return isinstance(value, tuple) and all(_holds(v, args[0]) for v in value)
        return isinstance(value, tuple) and len(value) == len(args) and all(
            _holds(v, a) for v, a in zip(value, args, strict=True))
    return isinstance(value, origin or hint)


def _read(fmt: str, data: bytes) -> list[Record]:
    return list(get_importer(fmt).parse(io.BufferedReader(io.BytesIO(data)), ImportOptions()))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(DATA)))
def test_damaged_files_give_typed_records_or_one_clear_error(path: Path) -> None:
    for damage, data in damaged(path.read_bytes(), path.name):
        try:
            items = _read(_format(path), data)
        except InvalidInput:
            continue
        for item in items:
            for field in dataclasses.fields(item):
                value = getattr(item, field.name)
                assert _holds(value, HINTS[type(item)][field.name]), (
                    damage, type(item).__name__, field.name, value)


@pytest.mark.parametrize("name", ["stix/bundle21.json", "misp/event.json"])
def test_damaged_files_are_stored_or_refused_whole_on_every_store(
        store: Store, tmp_path: Path, name: str) -> None:
    with store.begin() as conn:
        police = f.member(conn, "Police DE", role="contributor")
    for n, (_damage, data) in enumerate(damaged((DATA / name).read_bytes(), name)):
        path = tmp_path / f"{n}.json"
        path.write_bytes(data)
        try:
            with store.begin() as conn:
                summary = f.submit_file(conn, police, path, fmt=name.split("/")[0])
        except InvalidInput:
            continue
        assert summary.accepted + summary.duplicates + summary.rejected > 0
    # Whatever was stored goes out again in every format.
    with store.begin() as conn:
        for fmt in ("stix", "misp", "csv"):
            out = io.BytesIO()
            export(conn, police, ExportRequest(format=fmt), out)
            assert out.getvalue()
