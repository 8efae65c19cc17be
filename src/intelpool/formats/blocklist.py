"""Blocklist export: the distinct canonical values of ONE observable type, one per line.

For firewalls, proxies and DNS filters. A ``#`` header names the requester, the generation
time and the strictest TLP and PAP among the listed values: the list as a whole is handled
as its strictest entry. Values are sorted (addresses and networks numerically). The distinct
values of one type are held in memory to deduplicate and sort them.
"""

from __future__ import annotations

import socket
from typing import IO

from intelpool.access.handling import PAP, TLP
from intelpool.errors import InvalidInput
from intelpool.formats.csv_export import iso
from intelpool.formats.export_records import ExportData
from intelpool.formats.registry import exporter
from intelpool.observables import ObservableType

_NUMERIC = {ObservableType.IPV4, ObservableType.IPV6, ObservableType.CIDR}


def _network_key(value: str) -> tuple[int, bytes, int]:
    """(family, packed address, prefix): canonical values sort numerically, IPv4 first."""
    address, _, prefix = value.partition("/")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return family, socket.inet_pton(family, address), int(prefix or 0)


def ordered(kind: str, values: set[str]) -> list[str]:
    """Addresses and networks in numeric order (IPv4 first), other values as text."""
    return sorted(values, key=_network_key) if kind in _NUMERIC else sorted(values)


def header(data: ExportData, kind: str, count: int, tlp: TLP | None,
           pap: PAP | None) -> list[str]:
    lines = [f"# intelpool blocklist: {kind}, {count} entries",
             f"# requested by {data.requester}, generated {iso(data.generated_at)}"]
    if tlp is not None:
        lines.append(f"# TLP:{tlp.value.upper()} - handling of the strictest entry applies")
    if pap is not None:
        lines.append(f"# PAP:{pap.value.upper()} - the strictest entry's permitted actions")
    return lines


@exporter("blocklist", "plain list of the distinct values of one observable type",
          media_type="text/plain", extension="txt")
def write(data: ExportData, out: IO[bytes]) -> None:
    kind = data.observable_type
    if not kind:
        raise InvalidInput("a blocklist holds one type: name its observable type")
    if kind not in {t.value for t in ObservableType}:
        raise InvalidInput(f"unknown observable type {kind!r} for a blocklist")
    values: set[str] = set()
    tlps: set[str] = set()
    paps: set[str] = set()
    for obs in data.observations():
        if obs.type == kind:
            values.add(obs.value)
            tlps.add(obs.handling.tlp)
            paps.add(obs.handling.pap)
    tlp = max((TLP.parse(t) for t in tlps), key=lambda t: t.rank, default=None)
    pap = max((PAP.parse(p) for p in paps), key=lambda p: p.rank, default=None)
    for line in header(data, kind, len(values), tlp, pap) + ordered(kind, values):
        out.write(line.encode("utf-8") + b"\n")
