"""The ``misp`` exporter: one MISP event per contribution, in a restSearch-style response.

The output is ``{"response": [{"Event": ...}, ...]}``, which MISP, PyMISP and intelpool's own
importer read. Each event carries its contribution's handling as event tags: ``tlp:*``,
``PAP:*``, ``intelpool:handling="H1"`` (and ``intelpool:h3``), the evaluation
(``admiralty-scale:*`` for the admiralty scheme; ``intelpool:evaluation-scheme="4x4"`` with
``intelpool:source-reliability``/``intelpool:information-credibility`` for 4x4, whose codes
mean something else), and the themes (``intelpool:theme`` plus a europol-incident tag where one
fits). The event's distribution follows the TLP (clear: all communities; green: this
community; stricter, or H2: this organisation only). The originator's name (or "a partner")
is the event's Orgc.

Records reach the exporter grouped by contribution; each event is written as soon as its
contribution's records are read, its attributes streamed one by one. A contribution whose
records come split (streams not ordered by contribution) gives several events with the same
uuid, which MISP merges.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Generic, Protocol, TypeVar

import orjson

from intelpool.formats.export_records import ExportData, ExportHandling, ExportObservation
from intelpool.formats.misp.event_builder import EventBuilder
from intelpool.formats.registry import exporter


class _Handled(Protocol):
    @property
    def handling(self) -> ExportHandling: ...


T = TypeVar("T", bound=_Handled)


class _Runs(Generic[T]):
    """A stream read in runs of consecutive records of one contribution."""

    def __init__(self, items: Iterator[T]) -> None:
        self._items = items
        self.head: T | None = next(items, None)

    def take(self, cid: int) -> Iterator[T]:
        while self.head is not None and self.head.handling.contribution_id == cid:
            item, self.head = self.head, next(self._items, None)
            yield item


@exporter("misp", "MISP events (one per contribution) with markings as MISP tags",
          media_type="application/json", extension="json")
def write(data: ExportData, out: IO[bytes]) -> None:
    observations = _Runs(data.observations())
    entities = _Runs(data.entities())
    relationships = _Runs(data.relationships())
    extras = _Runs(data.extra_objects())
    out.write(b'{"response":[')
    first = True
    while True:
        heads = [h for h in (observations.head, entities.head, relationships.head, extras.head)
                 if h is not None]
        if not heads:
            break
        handling = min((h.handling for h in heads), key=lambda h: h.contribution_id)
        cid = handling.contribution_id
        builder = EventBuilder(handling, data.generated_at, list(entities.take(cid)),
                               list(relationships.take(cid)), list(extras.take(cid)))
        if not first:
            out.write(b",")
        first = False
        _write_event(builder, observations.take(cid), out.write)
    out.write(b"]}")


def _write_event(builder: EventBuilder, observations: Iterator[ExportObservation],
                 write: Callable[[bytes], object]) -> None:
    header = orjson.dumps(builder.header())
    write(b'{"Event":' + header[:-1] + b',"Attribute":[')
    for index, attribute in enumerate(builder.attributes(observations)):
        write(b"," + orjson.dumps(attribute) if index else orjson.dumps(attribute))
    write(b'],"Object":' + orjson.dumps(builder.objects_list()) + b',"Galaxy":' +
          orjson.dumps(builder.galaxy_list()) + b"}}")
