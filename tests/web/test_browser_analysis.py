"""Networks and the graph explorer in a real browser: an analyst opens a network, opens an
operation from it and explores the link graph; no script error, no CSP violation."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests import factories as f
from tests.analysis.builders import bundle, malware, ring
from tests.web.conftest import Live, Watched

SignIn = Callable[..., tuple[Page, Watched]]
Shot = Callable[[Page, str], None]
PANEL = "http://panel.kivuco-ops.com/admin.php"


def _botnet(live: Live) -> None:
    """Police DE reports a botnet at AMBER (once per pool: a second report changes nothing)."""
    with live.engine.begin() as conn:
        police = f.principal_for_email(conn, live.pool.police)
        f.submit_file(conn, police, bundle(live.tmp / "kivuco.json", [
            (malware("Kivuco"), ring("kivuco", 8))]), tlp="amber")


def _node_count(page: Page) -> int:
    return int(page.locator("#graph").get_attribute("data-nodes") or "0")


def _click_node(page: Page, ntype: str) -> None:
    """A real mouse click on the first node of the type, where cytoscape drew it."""
    x, y = page.evaluate(
        "t => { const n = document.getElementById('graph').cy.nodes()"
        ".filter(m => m.data('ntype') === t)[0]; const p = n.renderedPosition();"
        " return [p.x, p.y]; }", ntype)
    box = page.locator("#graph").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_an_analyst_opens_an_operation_from_a_network(live: Live, sign_in_as: SignIn,
                                                       shot: Shot) -> None:
    _botnet(live)
    page, _ = sign_in_as(live.pool.police)
    page.click("nav >> text=Networks")
    expect(page.locator("#networks")).to_contain_text("Kivuco")
    shot(page, "networks")
    page.locator("#networks a").first.click()
    page.wait_for_url(re.compile(r"/networks/[^/]+$"))
    expect(page.locator("#members")).to_contain_text(PANEL)
    expect(page.locator("#targets")).to_contain_text("c2-panel")
    shot(page, "network")
    form = page.locator("#open-operation form")
    form.locator("input[name=name]").fill("Operation Kivuco")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/operations/\d+$"))
    expect(page.locator("h1")).to_contain_text("Operation Kivuco")
    expect(page.locator("#targets")).to_contain_text(PANEL)
    expect(page.locator("#targets")).to_contain_text(re.compile("entity kivuco", re.I))
    shot(page, "operation-from-network")
    stranger, _ = sign_in_as(live.pool.stranger)
    stranger.goto("/networks")
    expect(stranger.locator("main")).to_contain_text("No network")
    assert "Kivuco" not in stranger.locator("main").inner_text()


def test_the_graph_explorer_draws_and_expands(live: Live, sign_in_as: SignIn,
                                              shot: Shot) -> None:
    _botnet(live)
    page, _ = sign_in_as(live.pool.police)
    # Tall enough that the whole drawing is in view: a click needs no scrolling first.
    page.set_viewport_size({"width": 1280, "height": 1100})
    page.goto("/selector?value=" + PANEL)
    page.click("#graph-link")
    page.wait_for_url(re.compile(r"/graph\?"))
    expect(page.locator("#graph canvas").first).to_be_attached()
    expect(page.locator("#graph-status")).to_contain_text("nodes")
    first = _node_count(page)
    assert first > 0
    shot(page, "graph")
    # The entity Kivuco is one link from the panel: expanding it brings the other C2s.
    expect(page.locator("#node-filter")).to_contain_text("malware")
    _click_node(page, "malware")
    expect(page.locator("#graph-status")).to_contain_text("added")
    assert _node_count(page) > first
    expect(page.locator("#graph-detail")).to_contain_text("Kivuco")
    shot(page, "graph-expanded")
    page.evaluate("() => document.getElementById('graph').cy.edges()[0].emit('tap')")
    expect(page.locator("#graph-detail")).to_contain_text("from Police DE")
    page.locator("#edge-filter input").first.uncheck()
    page.locator("#node-filter input").first.uncheck()
    with page.expect_download() as png:
        page.click("#export-png")
    assert png.value.suggested_filename == "intelpool-graph.png"
    with page.expect_download() as data:
        page.click("#export-json")
    assert data.value.suggested_filename == "intelpool-graph.json"
