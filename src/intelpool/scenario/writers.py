"""Contribution files in their real formats: STIX 2.1, MISP, CSV and plain text lists.

``carries(format)`` tells which selector types a format can state; the generator routes
the rest of a partner's selectors to a companion file in ``COMPANION`` format, which in CSV
is a payments sheet of typed columns (``write_sheet``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from intelpool.scenario.evidence import ATTRIBUTED_TO, PAYS_INTO
from intelpool.scenario.misp_writer import CARRIES as MISP_CARRIES
from intelpool.scenario.misp_writer import write_misp
from intelpool.scenario.model import FileSpec
from intelpool.scenario.stix_writer import CARRIES as STIX_CARRIES
from intelpool.scenario.stix_writer import write_stix
from intelpool.scenario.values import iso

CSV_HEADER = ("type", "value", "first_seen", "last_seen", "role", "tags")
# Plain lines carry only what type detection recognises from the value's shape.
TEXT_CARRIES = frozenset({"ipv4", "ipv6", "cidr", "domain", "url", "email", "md5", "sha1",
                          "sha256"})
COMPANION = "csv"
_WALLET = "btc_wallet"


def carries(fmt: str) -> frozenset[str] | None:
    """The selector types ``fmt`` can state (None: any type)."""
    return {"stix": STIX_CARRIES, "misp": MISP_CARRIES, "text": TEXT_CARRIES}.get(fmt)


def write_file(directory: Path, spec: FileSpec, seed: int) -> int:
    """Write one contribution; returns how many selectors it holds."""
    path = directory / spec.name
    with path.open("wb", buffering=1 << 20) as out:
        if spec.format == "stix":
            return write_stix(out, spec, seed)
        if spec.format == "misp":
            return write_misp(out, spec, seed)
        if spec.format == "csv":
            return write_sheet(out, spec) if spec.label == "payments" else write_csv(out, spec)
        if spec.format == "text":
            return write_text(out, spec)
    raise ValueError(f"no writer for format {spec.format!r}")


@contextmanager
def _csv_writer(out: IO[bytes]) -> Iterator[Any]:
    """A CSV writer on ``out``, handed back (detached) when done."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    yield csv.writer(text, lineterminator="\n")
    text.detach()


def write_csv(out: IO[bytes], spec: FileSpec) -> int:
    with _csv_writer(out) as writer:
        writer.writerow(CSV_HEADER)
        for sel in spec.selectors:
            writer.writerow((sel.type, sel.value, iso(sel.first_seen), iso(sel.last_seen),
                             sel.role or "", ";".join(sel.tags)))
    return len(spec.selectors)


def write_sheet(out: IO[bytes], spec: FileSpec) -> int:
    """A payments sheet: one typed column per selector type (``btc_wallet``, ``iban``), the
    subject a row's account is attributed to (``handle``) and the wallet it pays into
    (``destination_btc_wallet``). An importer links each row's cells to its first."""
    types = sorted({s.type for s in spec.selectors},
                   key=lambda t: (t != "btc-wallet", t != "iban", t))
    columns = [*(t for t in types if t != "handle"), "handle"]
    header = [*(t.replace("-", "_") for t in columns), f"destination_{_WALLET}", *CSV_HEADER[2:]]
    with _csv_writer(out) as writer:
        writer.writerow(header)
        for sel in spec.selectors:
            cells = dict.fromkeys(columns, "")
            cells[sel.type] = sel.value
            paid = ""
            for relationship, type_, value in sel.ties:
                if relationship == ATTRIBUTED_TO and type_ == "handle" and sel.type != "handle":
                    cells["handle"] = value
                elif relationship == PAYS_INTO and type_ == sel.type == "btc-wallet":
                    paid = value
            writer.writerow((*cells.values(), paid, iso(sel.first_seen), iso(sel.last_seen),
                             sel.role or "", ";".join(sel.tags)))
    return len(spec.selectors)


def write_text(out: IO[bytes], spec: FileSpec) -> int:
    policy = spec.partner.policy
    header = (f"# {spec.partner.name}: {spec.title}\n"
              f"# generated {iso(spec.created)}; TLP:{policy.tlp.upper()}"
              f"{f' PAP:{policy.pap.upper()}' if policy.pap else ''}\n"
              "# one selector per line\n")
    out.write(header.encode())
    out.write("".join(f"{sel.value}\n" for sel in spec.selectors).encode())
    return len(spec.selectors)
