"""The ``stix`` importer: STIX 2.0 and 2.1 bundles, streamed.

Two passes over the file (see ``bundle.py``): the first checks the shape and learns marking
definitions and cross-references, the second turns each object into records (``reader.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from intelpool.access.evaluation import decide_evaluation, parse_scheme
from intelpool.errors import InvalidInput
from intelpool.formats.records import DocumentMeta, ImportOptions, Record, Rejection
from intelpool.formats.registry import importer
from intelpool.formats.stix.bundle import Knowledge, first_pass, objects
from intelpool.formats.stix.reader import Reader
from intelpool.pool.themes import Theme

_BUNDLE_TYPE = re.compile(rb'"type"\s*:\s*"bundle"')
_OBJECTS = re.compile(rb'"objects"\s*:\s*\[')
_STIX_ID = re.compile(rb'"id"\s*:\s*"[a-z0-9-]+--[0-9a-fA-F]{8}-')
_THEMES = frozenset(t.value for t in Theme)


def sniff(head: bytes) -> float:
    """A JSON object declaring itself a bundle; or one with STIX objects whose type comes later."""
    if not head.lstrip().startswith(b"{"):
        return 0.0
    if _BUNDLE_TYPE.search(head):
        return 0.95
    if _OBJECTS.search(head) and _STIX_ID.search(head):
        return 0.6
    return 0.0


@importer("stix", "STIX 2.0 or 2.1 bundle (JSON): observables, indicators, entities, "
                  "relationships, sightings, markings", sniff=sniff)
def parse(stream: IO[bytes], options: ImportOptions) -> Iterator[Record]:
    knowledge = first_pass(stream)
    meta, problems = _document_meta(knowledge)
    if meta is not None:
        yield meta
    yield from problems
    reader = Reader(knowledge)
    for index, obj in objects(stream):
        yield from reader.read(index, obj)


def _document_meta(knowledge: Knowledge) -> tuple[DocumentMeta | None, list[Rejection]]:
    """Themes, evaluation and tags an intelpool export carried (``x_intelpool_*``)."""
    problems: list[Rejection] = []
    themes = tuple(t for t in knowledge.themes if t in _THEMES)
    problems += [Rejection("bundle", t, "not an intelpool theme") for t in knowledge.themes
                 if t not in _THEMES]
    evaluation: tuple[str, str | None, str | None] | None = None
    if len(knowledge.evaluations) == 1:
        scheme, reliability, credibility = next(iter(knowledge.evaluations))
        try:
            decide_evaluation(reliability or None, credibility or None, parse_scheme(scheme),
                              parse_scheme(scheme))
            evaluation = (scheme, reliability or None, credibility or None)
        except InvalidInput as exc:
            problems.append(Rejection("bundle", f"{scheme} {reliability}{credibility}", str(exc)))
    elif len(knowledge.evaluations) > 1:
        problems.append(Rejection("bundle", f"{len(knowledge.evaluations)} evaluations",
                                  "objects carry different evaluations; none is applied"))
    tags = tuple(knowledge.tags)
    if not themes and evaluation is None and not tags:
        return None, problems
    return DocumentMeta(themes=themes, evaluation=evaluation, tags=tags), problems
