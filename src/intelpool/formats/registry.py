"""One registry of importers and exporters; built-ins register exactly like plug-ins.

Every module under ``intelpool.formats`` (and ``intelpool.formats.feeds``) is imported once
on first use; its ``@importer``/``@exporter`` decorators fill the registry.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from intelpool.errors import InvalidInput
from intelpool.formats.export_records import WriteFn
from intelpool.formats.records import ImportOptions, Record

ParseFn = Callable[[IO[bytes], ImportOptions], Iterator[Record]]
# Formats that come as a directory (a MISP feed: manifest.json plus one file per event).
DirectoryParseFn = Callable[[Path, ImportOptions], Iterator[Record]]
# Given the first bytes of a file (up to 64 KiB), how sure the importer is that it fits (0..1).
SniffFn = Callable[[bytes], float]


@dataclass(frozen=True, slots=True)
class Importer:
    name: str
    description: str
    parse: ParseFn
    sniff: SniffFn | None
    themes: tuple[str, ...] = ()  # themes every contribution of this format carries
    parse_directory: DirectoryParseFn | None = None


@dataclass(frozen=True, slots=True)
class Exporter:
    name: str
    description: str
    write: WriteFn
    media_type: str
    extension: str


_importers: dict[str, Importer] = {}
_exporters: dict[str, Exporter] = {}
_loaded = False

SNIFF_BYTES = 65536


def importer(
    name: str,
    description: str,
    *,
    sniff: SniffFn | None = None,
    themes: tuple[str, ...] = (),
    parse_directory: DirectoryParseFn | None = None,
) -> Callable[[ParseFn], ParseFn]:
    """Register ``parse`` as the importer ``name`` (``feed:NAME`` for public feeds)."""

    def register(fn: ParseFn) -> ParseFn:
        if name in _importers:
            raise RuntimeError(f"importer {name!r} registered twice")
        _importers[name] = Importer(name, description, fn, sniff, themes, parse_directory)
        return fn

    return register


def exporter(
    name: str, description: str, *, media_type: str, extension: str
) -> Callable[[WriteFn], WriteFn]:
    def register(fn: WriteFn) -> WriteFn:
        if name in _exporters:
            raise RuntimeError(f"exporter {name!r} registered twice")
        _exporters[name] = Exporter(name, description, fn, media_type, extension)
        return fn

    return register


def _load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    for package_name in ("intelpool.formats", "intelpool.formats.feeds"):
        try:
            package = importlib.import_module(package_name)
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(package.__path__, package_name + "."):
            if module.name.rsplit(".", 1)[-1] not in ("registry", "records", "export_records"):
                importlib.import_module(module.name)
    _loaded = True  # only once every module loaded: a failure is raised again, not half-hidden


def importers() -> dict[str, Importer]:
    _load_builtins()
    return dict(sorted(_importers.items()))


def exporters() -> dict[str, Exporter]:
    _load_builtins()
    return dict(sorted(_exporters.items()))


def get_importer(name: str) -> Importer:
    found = importers().get(name)
    if found is None:
        raise InvalidInput(
            f"unknown format {name!r}; known formats: auto, {', '.join(importers())}"
        )
    return found


def get_exporter(name: str) -> Exporter:
    found = exporters().get(name)
    if found is None:
        raise InvalidInput(f"unknown export format {name!r}; known: {', '.join(exporters())}")
    return found


def detect_format(head: bytes) -> Importer:
    """The importer most sure it can read a file starting with ``head``."""
    scored = [(imp.sniff(head), imp.name) for imp in importers().values() if imp.sniff]
    best = max(scored, default=(0.0, ""))
    if best[0] <= 0:
        raise InvalidInput("could not recognise the file's format: name its format")
    return _importers[best[1]]


def directory_importer(name: str) -> Importer:
    """The importer for a directory submission (``auto``: the only one that reads directories)."""
    candidates = [i for i in importers().values() if i.parse_directory]
    if name != "auto":
        chosen = get_importer(name)
        if chosen.parse_directory is None:
            raise InvalidInput(f"format {name!r} does not read directories")
        return chosen
    if len(candidates) != 1:
        raise InvalidInput("a directory needs its format named (a directory format)")
    return candidates[0]
