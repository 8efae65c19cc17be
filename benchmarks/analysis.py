"""Analysis quality and speed on generated scenarios, per viewer, against ground truth.

For each scale and seed, generates a scenario (``intelpool scenario generate``), loads it into
a fresh embedded pool (or ``--db``), and for three viewers (the host centre's analyst, one
police analyst, one bank analyst) runs networks and targets in a child process, printing:
- best-match F1 (target >= 0.90) and key-member recall in the top 5 targets (>= 0.80),
  beside a naive baseline (connected components of same-contribution links, targets by
  sightings) computed in the same run, and the evidence ceiling (``ceiling``): the figures
  of a proposal holding each structure's largest group of visible members that the
  viewer's links connect, which no method beats without linking what the data does not;
- time and peak memory of graph build + networks + targets, a second (cached) networks call,
  and the same pipeline with networkx (Louvain, betweenness on the same subgraphs): the ratio;
- ``graph VALUE --depth 2`` p95 over member selectors (warm cache).

    .venv/bin/python -m benchmarks.analysis --scale 1 --seed 7 --seed 11 [--scale 4 ...]
        [--no-networkx] [--keep DIR] [--db URL]
"""

from __future__ import annotations

import argparse
import functools
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

VIEWERS = ("host", "law-enforcement", "private")
PAGE = 50  # networks a repeated call reads: the command line's default page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, action="append")
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--db", help="a database URL to load into (default: fresh SQLite)")
    parser.add_argument("--keep", help="keep scenarios and pools under this directory")
    parser.add_argument("--no-networkx", action="store_true")
    parser.add_argument("--viewer", action="append", choices=VIEWERS,
                        help="only these viewers (default: all three)")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker[:3], networkx=args.worker[3] == "1")))
        return
    root = Path(args.keep or tempfile.mkdtemp(prefix="intelpool-analysis-"))
    for scale in args.scale or [1.0]:
        for seed in args.seed or [7]:
            run(root, scale, seed, args.db, not args.no_networkx, args.viewer or VIEWERS)
    print("machine: 2 cores shared with other work while measuring; figures are indicative")


def run(root: Path, scale: float, seed: int, db: str | None, networkx: bool,
        viewers: tuple[str, ...] | list[str]) -> None:
    from intelpool.db.engine import make_engine
    from intelpool.db.migrate import upgrade
    from intelpool.scenario.generate import generate
    from intelpool.scenario.load import load, read_manifest

    directory = root / f"s{scale:g}-{seed}"
    url = db or f"sqlite:///{directory / 'pool.db'}"
    if not (directory / "loaded").exists():  # a kept pool is reused
        generate(directory, scale=scale, seed=seed)
        (directory / "pool.db").unlink(missing_ok=True)
        engine = make_engine(url)
        upgrade(engine)
        began = time.perf_counter()
        summary = load(engine, directory)
        engine.dispose()
        (directory / "loaded").write_text(str(summary.observations))
        print(f"\nscale {scale:g} seed {seed}: {summary.observations:,} observations loaded "
              f"in {time.perf_counter() - began:.0f} s")
    else:
        print(f"\nscale {scale:g} seed {seed}: {int((directory / 'loaded').read_text()):,} "
              "observations (kept pool)")
    manifest = read_manifest(directory)
    for kind in viewers:
        partner = next(p for p in manifest["partners"] if p["kind"] == kind)
        email = next(u["email"] for u in manifest["users"]
                     if u["organisation"] == partner["name"] and u["role"] == "analyst")
        out = subprocess.run([sys.executable, "-m", "benchmarks.analysis", "--worker", url,
                              email, str(directory / "ground_truth.json"),
                              "1" if networkx and kind == "host" else "0"],
                             capture_output=True, text=True, check=True)
        report(partner["name"], json.loads(out.stdout.strip().splitlines()[-1]))


def report(name: str, r: dict[str, Any]) -> None:
    q, b = r["quality"], r["baseline"]
    print(f"  {name}: {r['selectors']:,} visible selectors, {r['networks']} networks, "
          f"{q['structures']} structures with >= 5 visible members")
    print(f"    best-match F1 {q['f1']:.3f} (baseline {b['f1']:.3f}); key members in top 5 "
          f"{q['key_recall']:.3f} (baseline {b['key_recall']:.3f})")
    print(f"    graph build + networks + targets {r['seconds']:.2f} s, peak {r['peak_mib']:.0f} "
          f"MiB; second networks call (from the store) {r['cached_seconds'] * 1000:.0f} ms "
          f"for a page of {PAGE} ({r['cached_all_seconds'] * 1000:.0f} ms for all); "
          f"graph --depth 2 p95 {r['graph_p95_ms']:.1f} ms")
    c = r["ceiling"]
    print(f"    evidence ceiling: best-match F1 {c['f1']:.3f}, key members {c['key_recall']:.3f} "
          "(each structure's largest group of visible members the viewer's links connect)")
    if "networkx_seconds" in r:
        print(f"    networkx pipeline {r['networkx_seconds']:.2f} s: intelpool is "
              f"{r['networkx_seconds'] / r['seconds']:.1f}x faster")


def worker(url: str, email: str, truth_path: str, *, networkx: bool) -> dict[str, Any]:
    from sqlalchemy import delete

    from intelpool.analysis import cache, service
    from intelpool.db.engine import make_engine
    from intelpool.db.tables import analysis_cache
    from intelpool.partners.identity import principal_for_email

    engine = make_engine(url)
    truth = json.loads(Path(truth_path).read_text())
    with engine.begin() as conn:
        principal = principal_for_email(conn, email)
        conn.execute(delete(analysis_cache))
    began = time.perf_counter()
    with engine.begin() as conn:
        nets = service.networks(conn, principal, min_size=3)["networks"]
        tops = service.targets(conn, principal, top=5)["targets"]
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cache.forget()  # the second call reads the analysis back from the store, as a CLI call does
    began = time.perf_counter()
    with engine.begin() as conn:
        service.networks(conn, principal, limit=PAGE)
    cached = time.perf_counter() - began
    cache.forget()
    began = time.perf_counter()
    with engine.begin() as conn:
        service.networks(conn, principal)
    cached_all = time.perf_counter() - began
    with engine.begin() as conn:
        visible = _visible(conn, principal)
        p95 = _graph_p95(conn, principal, nets)
    members = {n["id"]: {(m["type"], m["value"]) for m in n["members"]} for n in nets}
    top5: dict[str, set[tuple[str, str]]] = {}
    for t in tops:
        if t["kind"] == "selector":
            top5.setdefault(t["network"], set()).add((t["type"], t["value"]))
    out: dict[str, Any] = {"selectors": len(visible), "networks": len(nets),
                           "seconds": seconds, "peak_mib": peak, "cached_seconds": cached,
                           "cached_all_seconds": cached_all,
                           "graph_p95_ms": p95,
                           "quality": quality(truth, visible, members, top5)}
    with engine.connect() as conn:
        base_members, base_top = baseline(conn, principal)
        out["ceiling"] = ceiling(conn, principal, truth, visible)
    out["baseline"] = quality(truth, visible, base_members, base_top)
    if networkx:
        out["networkx_seconds"] = networkx_pipeline(engine, principal)
    engine.dispose()
    return out


def _visible(conn: Any, principal: Any) -> set[tuple[str, str]]:
    from sqlalchemy import select

    from intelpool.access.visibility import visible_contribution
    from intelpool.db.tables import contributions, observables, observations

    rows = conn.execute(
        select(observables.c.type, observables.c.value).distinct()
        .join(observations, observations.c.observable_id == observables.c.id)
        .join(contributions, contributions.c.id == observations.c.contribution_id)
        .where(visible_contribution(principal)))
    return {(t, v) for t, v in rows}


def _graph_p95(conn: Any, principal: Any, nets: list[dict[str, Any]]) -> float:
    from intelpool.analysis import service

    sample = [m for n in nets[:50] for m in n["members"][:2]][:60]
    times = []
    for m in sample:
        began = time.perf_counter()
        service.graph(conn, principal, m["value"], type_hint=m["type"], depth=2)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return times[int(0.95 * (len(times) - 1))] if times else 0.0


def quality(truth: dict[str, Any], visible: set[tuple[str, str]],
            networks: dict[str, set[tuple[str, str]]],
            top5: dict[str, set[tuple[str, str]]]) -> dict[str, Any]:
    """Best-match F1 weighted by structure size, and key members found in the top 5."""
    owner: dict[tuple[str, str], list[str]] = {}
    for nid, members in networks.items():
        for m in members:
            owner.setdefault(m, []).append(nid)
    weighted = weight = 0.0
    keys_found = keys_total = structures = 0
    for s in truth["structures"]:
        members = {_selector(m) for m in s["members"]} & visible
        if len(members) < 5:
            continue
        structures += 1
        shared = Counter(nid for m in members for nid in owner.get(m, []))
        best, inter = max(shared.items(), key=lambda kv: (
            kv[1] / (len(members) + len(networks[kv[0]]) - kv[1]), kv[0]), default=("", 0))
        f1 = 2 * inter / (len(members) + len(networks[best])) if inter else 0.0
        weighted += f1 * len(members)
        weight += len(members)
        keys = {_selector(k) for k in s["key_members"]} & visible
        keys_total += len(keys)
        keys_found += len(keys & top5.get(best, set()))
    return {"structures": structures, "f1": weighted / weight if weight else 0.0,
            "key_recall": keys_found / keys_total if keys_total else 0.0}


@functools.cache
def _canonical(type_: str, value: str) -> tuple[str, str]:
    from intelpool.observables import parse_selector

    return parse_selector(value, type_)


def _selector(member: dict[str, Any]) -> tuple[str, str]:
    """A planted selector as the pool stores and prints it ("telegram:@x" is "telegram:x")."""
    return _canonical(member["type"], member["value"])


def ceiling(conn: Any, principal: Any, truth: dict[str, Any],
            visible: set[tuple[str, str]]) -> dict[str, float]:
    """What no method can beat without linking what the viewer's evidence leaves unlinked.

    Per structure, its visible members are grouped by the connected piece of the viewer's
    link graph (hub links cut, as networks are built) they fall in; the largest group is
    the best network any method could propose (recall = its share, precision 1), and only
    the key members inside it could reach that network's targets."""
    import numpy as np
    from sqlalchemy import select

    from intelpool.analysis.extract import OBSERVABLE
    from intelpool.analysis.linkgraph import build
    from intelpool.db.tables import observables

    lg = build(conn, principal)
    piece = np.asarray(lg.for_communities().connected_components().membership, np.int64)
    ids = {(t, v): i for i, t, v in conn.execute(
        select(observables.c.id, observables.c.type, observables.c.value))}

    def place(selector: tuple[str, str]) -> int:
        node = lg.index_of(ids[selector] * 4 + OBSERVABLE) if selector in ids else None
        return -1 - len(ids) if node is None else int(piece[node])

    weighted = weight = 0.0
    keys_found = keys_total = 0
    for s in truth["structures"]:
        members = {_selector(m) for m in s["members"]} & visible
        if len(members) < 5:
            continue
        groups = Counter(place(m) for m in members)
        best, size = max(groups.items(), key=lambda kv: (kv[1], kv[0]))
        if best < 0:  # a member in no link at all is a group of its own
            size = 1
        recall = size / len(members)
        weighted += 2 * recall / (1 + recall) * len(members)
        weight += len(members)
        keys = {_selector(k) for k in s["key_members"]} & visible
        keys_total += len(keys)
        keys_found += sum(1 for k in keys if place(k) == best) if best >= 0 else min(1, len(keys))
    return {"f1": weighted / weight if weight else 0.0,
            "key_recall": keys_found / keys_total if keys_total else 0.0}


def baseline(conn: Any, principal: Any) -> tuple[dict[str, set[tuple[str, str]]],
                                                 dict[str, set[tuple[str, str]]]]:
    """Connected components of same-contribution links; targets by sightings."""
    import igraph as ig
    from sqlalchemy import select

    from intelpool.analysis.extract import visible
    from intelpool.db.tables import observables, observations

    vis = visible(principal)
    rows = conn.execute(select(observations.c.observable_id, observations.c.contribution_id,
                               observables.c.type, observables.c.value)
                        .join(vis, vis.c.id == observations.c.contribution_id)
                        .join(observables, observables.c.id == observations.c.observable_id)
                        ).all()
    obs = {r[0]: i for i, r in enumerate({r[0]: r for r in rows}.values())}
    names = {r[0]: (r[2], r[3]) for r in rows}
    cids = {c: len(obs) + i for i, c in enumerate(sorted({r[1] for r in rows}))}
    g = ig.Graph(n=len(obs) + len(cids), edges=[(obs[r[0]], cids[r[1]]) for r in rows])
    sightings = Counter(r[0] for r in rows)
    inverse = {i: oid for oid, i in obs.items()}
    members: dict[str, set[tuple[str, str]]] = {}
    top: dict[str, set[tuple[str, str]]] = {}
    for n, comp in enumerate(g.connected_components()):
        ids = [inverse[v] for v in comp if v in inverse]
        if len(ids) >= 3:
            members[f"B{n}"] = {names[i] for i in ids}
            ranked = sorted(ids, key=lambda i: (-sightings[i], names[i]))[:5]
            top[f"B{n}"] = {names[i] for i in ranked}
    return members, top


def networkx_pipeline(engine: Any, principal: Any) -> float:
    """The same graph (built from SQL as intelpool does), Louvain and betweenness in networkx."""
    import networkx as nx
    import numpy as np

    from intelpool.analysis.linkgraph import build

    began = time.perf_counter()
    with engine.connect() as conn:
        lg = build(conn, principal)
    ours = lg.for_communities()
    graph = nx.Graph()
    graph.add_nodes_from(range(ours.vcount()))
    graph.add_weighted_edges_from((a, b, w) for (a, b), w in zip(
        ours.get_edgelist(), ours.es["weight"], strict=True))
    for community in nx.community.louvain_communities(graph, weight="weight", seed=1):
        if len(community) >= 3:
            sub = graph.subgraph(community)
            k = None if len(community) <= 3000 else 300  # sampled: kinder to networkx
            nx.betweenness_centrality(sub, k=k, seed=1)
    np.asarray(0)
    return time.perf_counter() - began


if __name__ == "__main__":
    main()
