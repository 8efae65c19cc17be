"""Time to first drawing of the graph explorer at 1,000 nodes, in headless Chromium.

A synthetic neighbourhood (clusters with bridges, like the pool's networks) is drawn the way
``web/static/graph.js`` draws it: placed on the server (``analysis.placement``, igraph) and
drawn with cytoscape's preset layout, against the peer measured in the same run, the
browser's own fcose layout with the settings graph.js used before (draft quality, 1,000
iterations). Times: server placement, adding the elements, layout, first paint; medians.

    .venv/bin/python -m benchmarks.graph_render [--nodes 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import time
from typing import Any

from playwright.sync_api import sync_playwright

from intelpool.analysis.placement import place
from intelpool.web.assets import node_modules

SCRIPTS = ("cytoscape/dist/cytoscape.min.js", "layout-base/layout-base.js",
           "cose-base/cose-base.js", "cytoscape-fcose/cytoscape-fcose.js")
DRAW = """async ([elements, mode]) => {
  const t0 = performance.now();
  const cy = cytoscape({ container: document.getElementById('g'), textureOnViewport: true,
    hideEdgesOnViewport: true, style: [
      { selector: 'node', style: { label: 'data(label)', 'font-size': 9, width: 14, height: 14,
        'min-zoomed-font-size': 7 } },
      { selector: 'edge', style: { width: 1, 'curve-style': 'haystack' } }] });
  cy.batch(() => cy.add(elements));
  const t1 = performance.now();
  if (mode === 'fcose') cy.layout({ name: 'fcose', animate: false, randomize: true,
    quality: 'draft', nodeDimensionsIncludeLabels: false, numIter: 1000, fit: true,
    padding: 20 }).run();
  else cy.layout({ name: 'preset', fit: true, padding: 20 }).run();
  const t2 = performance.now();
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const t3 = performance.now();
  cy.destroy();
  return [t1 - t0, t2 - t1, t3 - t2, t3 - t0];
}"""


def synthetic_view(nodes: int, clusters: int = 40, seed: int = 7) -> dict[str, Any]:
    rnd = random.Random(seed)
    pairs: set[tuple[int, int]] = set()
    for i in range(nodes):
        j = rnd.randrange(i % clusters, nodes, clusters)  # within its cluster
        if j != i:
            pairs.add((min(i, j), max(i, j)))
        if rnd.random() < 0.5:  # a bridge anywhere
            j = rnd.randrange(nodes)
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return {"nodes": [{"id": i, "label": f"node-{i}.example"} for i in range(nodes)],
            "edges": [{"source": a, "target": b} for a, b in sorted(pairs)]}


def elements(view: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in view["nodes"]:
        node: dict[str, Any] = {"group": "nodes", "data": {"id": f"n{n['id']}",
                                                           "label": n["label"]}}
        if "x" in n:
            node["position"] = {"x": n["x"], "y": n["y"]}
        out.append(node)
    out += [{"group": "edges", "data": {"id": f"e{e['source']}-{e['target']}",
                                        "source": f"n{e['source']}",
                                        "target": f"n{e['target']}"}} for e in view["edges"]]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    modules = node_modules()
    chromium = shutil.which("chromium")
    assert modules is not None and chromium is not None, "needs node_modules and chromium"
    plain = synthetic_view(args.nodes)
    server = []
    for _ in range(args.rounds):
        began = time.perf_counter()
        placed = place(synthetic_view(args.nodes))
        server.append((time.perf_counter() - began) * 1000)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_content("<div id='g' style='width:1200px;height:760px'></div>")
        for script in SCRIPTS:
            page.add_script_tag(path=str(modules / script))
        page.evaluate("cytoscape.use(cytoscapeFcose)")
        results = {}
        for name, view, mode in (("peer: fcose in the browser", plain, "fcose"),
                                 ("placed on the server", placed, "preset")):
            runs = [page.evaluate(DRAW, [elements(view), mode]) for _ in range(args.rounds)]
            results[name] = [statistics.median(r[k] for r in runs) for k in range(4)]
        browser.close()
    print(f"{args.nodes} nodes, {len(plain['edges'])} links; median of {args.rounds}")
    print(f"server placement (igraph): {statistics.median(server):.0f} ms")
    for name, (add, layout, paint, total) in results.items():
        print(f"{name:<28} add {add:5.0f} ms  layout {layout:6.0f} ms  paint {paint:5.0f} ms"
              f"  total {total:6.0f} ms")
    placed_total = results["placed on the server"][3] + statistics.median(server)
    peer_total = results["peer: fcose in the browser"][3]
    print(f"first drawing, server placement included: {placed_total:.0f} ms against "
          f"{peer_total:.0f} ms ({peer_total / placed_total:.1f}x faster); peak memory "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (this process)")


if __name__ == "__main__":
    main()
