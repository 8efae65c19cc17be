"""CSV export: one row per observation, its handling and evaluation in columns of their own.

Markings travel with every row (tlp, pap, handling_codes, h3, audience ...) so a spreadsheet
or a downstream tool sees them next to the value. The ``csv`` importer reads this file back
with its guessed mapping and keeps each row's TLP/PAP. Multi-valued cells (tags, handling
codes, audience, themes) are joined with ``|``. Times are ISO 8601 in UTC. Cells are written
verbatim, not escaped against spreadsheet formulas: the file is meant for tools; open it in a
spreadsheet as text.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import IO

from intelpool.formats.export_records import ExportData, ExportObservation
from intelpool.formats.registry import exporter

HEADER = ("type", "value", "role", "first_seen", "last_seen", "tags", "comment", "to_ids",
          "contribution", "originator", "tlp", "pap", "handling_codes", "h3", "audience",
          "anonymous", "evaluation_scheme", "reliability", "credibility", "themes")


def iso(moment: datetime | None) -> str:
    """ISO 8601 in UTC with a ``Z``; a naive time is taken as UTC (as the store keeps it)."""
    if moment is None:
        return ""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat().replace("+00:00", "Z")


def _flag(value: bool | None) -> str:
    return "" if value is None else str(value).lower()


def row(obs: ExportObservation) -> list[str]:
    h = obs.handling
    return [obs.type, obs.value, obs.role or "", iso(obs.first_seen), iso(obs.last_seen),
            "|".join(obs.tags), obs.comment or "", _flag(obs.to_ids), str(h.contribution_id),
            h.originator, h.tlp, h.pap, "|".join(h.codes), h.h3_text or "", "|".join(h.audience),
            _flag(h.anonymous), h.eval_scheme or "", h.reliability or "", h.credibility or "",
            "|".join(h.themes)]


@exporter("csv", "CSV table of observations with their handling as columns",
          media_type="text/csv", extension="csv")
def write(data: ExportData, out: IO[bytes]) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow(HEADER)
        for obs in data.observations():
            writer.writerow(row(obs))
    finally:
        text.flush()
        text.detach()  # the caller owns ``out`` and closes it
