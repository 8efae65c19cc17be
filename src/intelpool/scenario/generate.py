"""Generate a scenario directory: contribution files, ``manifest.json``, ``ground_truth.json``.

Work goes period by period: the structures that start in a period are built, each partner's
view of them is cut, and the period's files are written at once; only the providers (which
serve structures in every period) stay in memory throughout. Memory therefore grows with
the size of one period, which grows as the square root of the scale (the number of periods
grows with the other square root), and time grows linearly with the scale.

Sizes: scale 1 (the demo) holds about 39,000 selectors in about 250 contributions; scale
S holds about S times as much, so scale 260 is the benchmark size (about 10 million
observations; scale 250 measured 9.7 million selectors in 4,799 files, 2.5 GB).

The same seed and scale give byte-identical files: every date derives from the seed, every
random choice from a stream derived from the seed.
"""

from __future__ import annotations

import math
import shutil
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from itertools import combinations
from pathlib import Path
from typing import IO, Any

import orjson

from intelpool.errors import InvalidInput
from intelpool.scenario import DEFAULT_SEED
from intelpool.scenario.context import WINDOW_DAYS, Context
from intelpool.scenario.contributions import Period, period_files
from intelpool.scenario.model import FileSpec, Member, Partner, Selector, Structure
from intelpool.scenario.noise import Decoy, fixed_decoys, shared_hosting_decoys
from intelpool.scenario.partners import FORMATS, groups, roster, with_formats
from intelpool.scenario.providers import build_providers
from intelpool.scenario.structures import CLIENT_COUNTS, build_client, client_count
from intelpool.scenario.views import plan_views
from intelpool.scenario.writers import COMPANION, write_file

CONTRIBUTIONS_DIR = "contributions"
ProgressFn = Callable[[int, int, int], None]  # (periods done, periods, selectors written)


@dataclass(frozen=True, slots=True)
class GenerateSummary:
    out: str
    seed: int
    scale: float
    files: int
    contributions: int
    selectors: int
    structures: int
    members: int
    decoys: int
    elapsed_seconds: float


def period_count(scale: float) -> int:
    if scale <= 1:
        return max(1, math.ceil(12 * scale))
    return 12 * math.ceil(math.sqrt(scale))


def generate(out: Path, *, scale: float = 1.0, seed: int = DEFAULT_SEED,
             formats: Mapping[str, str] | None = None, companion: str = COMPANION,
             progress: ProgressFn | None = None) -> GenerateSummary:
    """Write the scenario of ``seed`` at ``scale`` into ``out`` (its old files replaced)."""
    began = time.perf_counter()
    _check(scale, formats or {}, companion)
    files_dir = out / CONTRIBUTIONS_DIR
    if files_dir.exists():
        shutil.rmtree(files_dir)
    files_dir.mkdir(parents=True)
    run = _Run(Context.create(seed, scale), with_formats(roster(), formats or {}), files_dir,
               companion)
    with (out / "ground_truth.json").open("wb") as truth:
        truth.write(b'{"seed": %d, "scale": %s, "structures": [\n' % (seed, _num(scale)))
        for index in range(run.periods):
            run.period(index, truth)
            if progress:
                progress(index + 1, run.periods, run.selectors)
        run.finish(truth)
    _write_manifest(out, run)
    return GenerateSummary(
        str(out), seed, scale, files=len(run.entries) + 2, contributions=len(run.entries),
        selectors=run.selectors, structures=run.structures, members=run.members,
        decoys=len(run.decoys), elapsed_seconds=round(time.perf_counter() - began, 3))


class _Run:
    """One generation: the providers and decoys that live throughout, and the tallies."""

    def __init__(self, ctx: Context, partners: list[Partner], files_dir: Path,
                 companion: str) -> None:
        self.ctx, self.partners = ctx, partners
        self.files_dir, self.companion = files_dir, companion
        self.by_kind = build_providers(ctx)
        self.providers = [p for kind in self.by_kind.values() for p in kind]
        self.shared = shared_hosting_decoys(ctx)
        self.decoys = [*fixed_decoys(), *self.shared]
        self.periods = period_count(ctx.scale)
        self.plan = _client_plan(ctx.scale, self.periods)
        self.attached = _attach_decoys(self.shared, ctx.scale)
        self.police = [p.name for p in partners if p.kind == "law-enforcement"]
        self.banks = [p for p in partners if p.kind == "private"]
        self.entries: list[dict[str, Any]] = []
        self.overlaps: Counter[tuple[str, str]] = Counter()
        self.selectors = self.members = 0
        self.structures = sum(len(p) for p in self.plan) + len(self.providers)
        self._first = True

    def period(self, index: int, truth: IO[bytes]) -> None:
        """Build the structures starting in period ``index``, write its files and truth."""
        ctx, period = self.ctx, _period(self.ctx, index, self.periods)
        built = [build_client(ctx, kind, n, period.start, period.end, self.by_kind,
                              self.police, self.banks) for kind, n in self.plan[index]]
        for structure in built:
            for decoy in self.attached.get(structure.id, []):
                structure.decoys.append(self.shared[decoy].member)
                self.shared[decoy].structures.append(structure.id)
        # Providers live throughout; each gets its own partners' attention in one period.
        own = [p for j, p in enumerate(self.providers)
               if j * self.periods // len(self.providers) == index]
        sightings = _sightings(ctx, [*built, *own], self.partners, period)
        by_id = {s.id: s for s in [*built, *self.providers]}
        for spec in period_files(ctx, period, self.partners, sightings, by_id, self.decoys,
                                 self.companion):
            spec.seq = len(self.entries) + 1
            count = write_file(self.files_dir, spec, ctx.seed)
            self.selectors += count
            self.entries.append(_entry(spec, count))
        for structure in built:
            self._truth(truth, structure)

    def finish(self, truth: IO[bytes]) -> None:
        """The providers' and decoys' truth, complete only now that every period saw them."""
        for structure in self.providers:
            self._truth(truth, structure)
        _count_overlaps(self.overlaps, [d.member for d in self.decoys])
        truth.write(b'\n], "decoys": [\n' + b",\n".join(
            orjson.dumps(d.as_truth(), option=orjson.OPT_SORT_KEYS) for d in self.decoys) +
            b"\n]}\n")

    def _truth(self, out: IO[bytes], structure: Structure) -> None:
        if not self._first:
            out.write(b",\n")
        out.write(orjson.dumps(structure.as_truth(), option=orjson.OPT_SORT_KEYS))
        self._first = False
        self.members += len(structure.members)
        _count_overlaps(self.overlaps, structure.members)


def _check(scale: float, formats: Mapping[str, str], companion: str) -> None:
    if not scale > 0:
        raise InvalidInput(f"scale {scale}: it must be positive")
    for kind, fmt in [*formats.items(), ("companion", companion)]:
        if fmt not in FORMATS:
            raise InvalidInput(f"unknown scenario format {fmt!r} for {kind}: use "
                               f"{', '.join(FORMATS)}")
    kinds = {"host", "law-enforcement", "private", "cert"}
    for kind in formats:
        if kind not in kinds:
            raise InvalidInput(f"unknown partner kind {kind!r}: use {', '.join(sorted(kinds))}")


def _num(value: float) -> bytes:
    return orjson.dumps(value)


def _client_plan(scale: float, periods: int) -> list[list[tuple[str, int]]]:
    """Which client structures start in which period (spread evenly over the window)."""
    plan: list[list[tuple[str, int]]] = [[] for _ in range(periods)]
    for kind in CLIENT_COUNTS:
        count = client_count(kind, scale)
        for n in range(count):
            plan[n * periods // count].append((kind, n))
    return plan


def _attach_decoys(shared: list[Decoy], scale: float) -> dict[str, list[int]]:
    """Each shared-hosting address serves one botnet and one unrelated fraud ring."""
    bots, rings = client_count("botnet", scale), client_count("fraud-ring", scale)
    out: dict[str, list[int]] = {}
    for i in range(len(shared)):
        out.setdefault(f"botnet-{i % bots + 1:04d}", []).append(i)
        out.setdefault(f"fraud-ring-{(i * 3 + 1) % rings + 1:04d}", []).append(i)
    return out


def _period(ctx: Context, index: int, periods: int) -> Period:
    length = timedelta(days=WINDOW_DAYS) / periods
    return Period(index, ctx.start + length * index, ctx.start + length * (index + 1), periods)


def _sightings(ctx: Context, structures: list[Structure], partners: list[Partner],
               period: Period) -> dict[str, list[Selector]]:
    """The period's sightings by partner; partners report up to a month after the period."""
    out: dict[str, list[Selector]] = {}
    for structure in structures:
        since = max(structure.start, period.start)
        until = min(structure.end, period.end + timedelta(days=30))
        if until <= since:  # a provider that only starts later: its first month
            since, until = structure.start, structure.start + timedelta(days=30)
        views = plan_views(structure, partners, ctx.rng("views", structure.id), since, until)
        for name, seen in views.items():
            out.setdefault(name, []).extend(seen)
    return out


def _entry(spec: FileSpec, count: int) -> dict[str, Any]:
    policy = spec.partner.policy
    return {
        "file": f"{CONTRIBUTIONS_DIR}/{spec.name}", "partner": spec.partner.name,
        "submitter": spec.partner.submitter, "format": spec.format, "title": spec.title,
        "themes": list(spec.themes), **policy.as_manifest(), "selectors": count,
        "structures": sorted(s.id for s in spec.structures),
    }


def _count_overlaps(overlaps: Counter[tuple[str, str]], members: list[Member]) -> None:
    """Count, per pair of partners, the planted selectors both hold.

    A member bought from a provider (a wallet, a hosted server) is counted once, at the
    provider, whose copy collects every partner that holds it: pairs count distinct
    selectors, as hits in the pool do.
    """
    for member in members:
        if member.twin is None:
            holders = sorted(member.seen_by)
            overlaps.update(combinations(holders, 2))


def _write_manifest(out: Path, run: _Run) -> None:
    ctx, partners = run.ctx, run.partners
    manifest = {
        "seed": ctx.seed, "scale": ctx.scale, "periods": run.periods,
        "window": {"start": ctx.start.strftime("%Y-%m-%d"),
                   "end": ctx.end.strftime("%Y-%m-%d")},
        "partners": [{"name": p.name, "kind": p.kind, "country": p.country, "format": p.format,
                      "submitter": p.submitter, "policy": p.policy.as_manifest()}
                     for p in partners],
        "users": [{"email": u.email, "organisation": p.name, "role": u.role}
                  for p in partners for u in p.users],
        "groups": [{"name": g.name, "members": list(g.members)} for g in groups(partners)],
        "contributions": run.entries,
        # Which partners hold the same selectors, and how many: the hits the pool will find.
        "overlaps": [{"partners": list(pair), "selectors": n}
                     for pair, n in sorted(run.overlaps.items())],
    }
    (out / "manifest.json").write_bytes(
        orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
