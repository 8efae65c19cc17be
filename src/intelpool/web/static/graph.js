// intelpool graph explorer: draws /graph.json with cytoscape + fcose (no inline script).
"use strict";
(() => {
  const box = document.getElementById("graph");
  if (!box || typeof cytoscape === "undefined") return;
  if (typeof cytoscapeFcose !== "undefined") { try { cytoscape.use(cytoscapeFcose); } catch (e) { /* already registered */ } }
  const status = document.getElementById("graph-status");
  const detail = document.getElementById("graph-detail");
  const began = performance.now();
  const expanded = new Map();  // node id -> ids of the nodes its expansion added
  const hiddenTypes = new Set();
  const hiddenLinks = new Set();
  const COLOURS = { selector: "#2b6cb0", entity: "#c05621", contribution: "#718096" };

  const cy = cytoscape({
    container: box, maxZoom: 2.5, wheelSensitivity: 0.3, textureOnViewport: true, hideEdgesOnViewport: true,
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 9, width: 14, height: 14,
        "background-color": (n) => COLOURS[n.data("kind")] || "#444", "text-max-width": 120,
        "text-wrap": "ellipsis", "min-zoomed-font-size": 7 } },
      { selector: "node[?hub]", style: { shape: "diamond" } },
      { selector: "node.expanded", style: { "border-width": 2, "border-color": "#1a202c" } },
      { selector: "edge", style: { width: 1, "line-color": "#a0aec0", "curve-style": "haystack" } },
      { selector: "edge[type = 'derived']", style: { "line-style": "dashed" } },
      { selector: ".off", style: { display: "none" } },
      { selector: ":selected", style: { "background-color": "#e53e3e", "line-color": "#e53e3e" } },
    ],
  });

  box.cy = cy;  // for the browser's console and the browser tests
  const label = (n) => n.kind === "selector" ? n.value
    : n.kind === "entity" ? (n.name || "entity") : `contribution ${n.contribution}`;
  const typeOf = (n) => n.kind === "selector" ? n.type : n.kind === "entity" ? (n.entity_kind || "entity") : "contribution";
  const edgeId = (e) => `e${e.source}-${e.target}-${e.type}-${e.label || ""}`;

  function query(params) {
    const q = new URLSearchParams();
    Object.entries(params).forEach(([k, v]) => { if (v) q.set(k, v); });
    return `/graph.json?${q}`;
  }

  async function fetchView(params) {
    const response = await fetch(query(params), { credentials: "same-origin" });
    if (response.redirected) throw new Error("Your session has ended: sign in again.");
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || `the server answered ${response.status}`);
    return body;
  }

  // Adds what is new; returns the ids of the nodes added.
  function merge(view) {
    const added = [];
    const elements = [];
    view.nodes.forEach((n) => {
      const id = `n${n.id}`;
      if (cy.getElementById(id).nonempty()) return;
      added.push(id);
      const { x, y, ...data } = n;
      const node = { group: "nodes", data: { ...data, id, label: label(n), ntype: typeOf(n) } };
      if (x !== undefined && y !== undefined) node.position = { x, y };
      elements.push(node);
    });
    view.edges.forEach((e) => {
      const id = edgeId(e);
      if (cy.getElementById(id).nonempty()) return;
      elements.push({ group: "edges", data: { ...e, id, source: `n${e.source}`, target: `n${e.target}` } });
    });
    cy.batch(() => cy.add(elements));
    return added;
  }

  const FORCE = typeof cytoscapeFcose !== "undefined" ? "fcose" : "cose";

  // Only when the server sent no positions: the first drawing normally comes placed.
  function layout(randomize) {
    const big = cy.nodes().length > 400;
    cy.layout({ name: FORCE, animate: false,
      randomize, quality: big ? "draft" : "default", nodeDimensionsIncludeLabels: false,
      numIter: big ? 1000 : 2500, fit: true, padding: 20 }).run();
  }

  // An expansion lays out only the nodes it added, around the expanded node, which stays put.
  function layoutAdded(node, added) {
    if (!added.length) return;
    const centre = node.position();
    const fresh = cy.collection(added.map((id) => cy.getElementById(id)));
    fresh.forEach((n, i) => {
      const angle = (2 * Math.PI * i) / fresh.length;
      n.position({ x: centre.x + 60 * Math.cos(angle), y: centre.y + 60 * Math.sin(angle) });
    });
    const part = fresh.union(node);
    part.union(part.edgesWith(part)).layout({ name: FORCE, animate: false, randomize: false,
      quality: "default", nodeDimensionsIncludeLabels: false, fit: false,
      fixedNodeConstraint: [{ nodeId: node.id(), position: { x: centre.x, y: centre.y } }],
    }).run();
  }

  function filters() {
    const build = (fieldsetId, values, hidden) => {
      const set = document.getElementById(fieldsetId);
      const have = new Set(Array.from(set.querySelectorAll("input")).map((i) => i.value));
      values.forEach((v) => {
        if (have.has(v)) return;
        const lab = document.createElement("label");
        const input = document.createElement("input");
        input.type = "checkbox"; input.value = v; input.checked = !hidden.has(v);
        input.addEventListener("change", () => {
          if (input.checked) hidden.delete(v); else hidden.add(v);
          applyFilters();
        });
        lab.append(input, ` ${v}`);
        set.append(lab);
      });
    };
    build("node-filter", new Set(cy.nodes().map((n) => n.data("ntype"))), hiddenTypes);
    build("edge-filter", new Set(cy.edges().map((e) => e.data("type"))), hiddenLinks);
    cy.resize();  // the new checkboxes may have moved the drawing: clicks must still land
  }

  function applyFilters() {
    cy.batch(() => {
      cy.nodes().forEach((n) => n.toggleClass("off", hiddenTypes.has(n.data("ntype"))));
      cy.edges().forEach((e) => e.toggleClass("off", hiddenLinks.has(e.data("type"))));
    });
  }

  function say(text) { status.textContent = text; box.dataset.nodes = String(cy.nodes().length); }

  function show(title, rows, link) {
    detail.replaceChildren();
    const h = document.createElement("h2"); h.textContent = title; detail.append(h);
    const list = document.createElement("ul");
    rows.forEach((r) => {
      const li = document.createElement("li");
      if (r.href) { const a = document.createElement("a"); a.href = r.href; a.textContent = r.text; li.append(a); }
      else li.textContent = r.text;
      list.append(li);
    });
    detail.append(list);
    if (link) { const a = document.createElement("a"); a.href = link.href; a.textContent = link.text; detail.append(a); }
  }

  function collapse(id) {
    (expanded.get(id) || []).forEach((child) => {
      if (expanded.has(child)) collapse(child);
      cy.getElementById(child).remove();
    });
    expanded.delete(id);
    cy.getElementById(id).removeClass("expanded");
  }

  async function toggle(node) {
    const d = node.data();
    const id = node.id();
    if (expanded.has(id)) { collapse(id); say(`${cy.nodes().length} nodes, ${cy.edges().length} links`); return; }
    const params = d.kind === "selector" ? { value: d.value, type: d.type, depth: 1 }
      : d.kind === "entity" && d.name ? { entity: d.name, depth: 1 } : null;
    if (!params) return;
    say("Expanding…");
    try {
      const added = merge(await fetchView(params));
      expanded.set(id, added);
      node.addClass("expanded");
      filters(); applyFilters(); layoutAdded(node, added);
      say(`${cy.nodes().length} nodes, ${cy.edges().length} links (${added.length} added)`);
    } catch (err) { say(`Could not expand: ${err.message}`); }
  }

  cy.on("tap", "node", (event) => {
    const d = event.target.data();
    if (d.kind === "selector") {
      show(`${d.type} ${d.value}`, d.hub ? [{ text: d.hub }] : [],
        { href: `/selector?value=${encodeURIComponent(d.value)}&type=${encodeURIComponent(d.type)}`, text: "Open the selector page" });
    } else if (d.kind === "entity") {
      show(`${d.entity_kind || "entity"} ${d.name}`, (d.names || []).map((n) => ({ text: n })));
    } else {
      show(`Contribution ${d.contribution}`, [{ text: `from ${d.originator || "a partner"}`,
        href: `/contributions/${d.contribution}` }]);
    }
    toggle(event.target);
  });

  cy.on("tap", "edge", (event) => {
    const d = event.target.data();
    const rows = (d.evidence || []).map((ev) => ev.derived ? { text: `derived: ${ev.derived}` }
      : { text: `contribution ${ev.contribution} from ${ev.originator}`, href: `/contributions/${ev.contribution}` });
    show(`${d.type}${d.label ? ` (${d.label})` : ""}`, rows.length ? rows : [{ text: "no evidence you may see" }]);
  });

  function download(name, href) {
    const a = document.createElement("a"); a.href = href; a.download = name;
    document.body.append(a); a.click(); a.remove();
  }
  document.getElementById("export-png").addEventListener("click", () =>
    download("intelpool-graph.png", cy.png({ full: true, bg: "#ffffff", scale: 2 })));
  document.getElementById("export-json").addEventListener("click", () => {
    const view = { nodes: cy.nodes().map((n) => n.data()), edges: cy.edges().map((e) => e.data()) };
    const blob = new Blob([JSON.stringify(view, null, 1)], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    download("intelpool-graph.json", url);
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });

  const start = { value: box.dataset.value, type: box.dataset.type, entity: box.dataset.entity,
    network: box.dataset.network, depth: box.dataset.depth, limit: box.dataset.limit || 1000 };
  if (!start.value && !start.entity && !start.network) { say("Name a selector or an entity to start."); return; }
  fetchView({ ...start, place: "true" }).then((view) => {
    merge(view); filters();
    if (view.nodes.every((n) => n.x !== undefined)) cy.layout({ name: "preset", fit: true, padding: 20 }).run();
    else layout(true);
    box.dataset.renderMs = String(Math.round(performance.now() - began));
    say(`${view.center}: ${cy.nodes().length} nodes, ${cy.edges().length} links` +
      `${view.truncated ? " (truncated)" : ""}. Click a node to expand it.`);
  }).catch((err) => say(err.message));
})();
