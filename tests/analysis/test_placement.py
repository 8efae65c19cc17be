"""Server-side positions for the graph explorer's first drawing."""

from __future__ import annotations

from intelpool.analysis.placement import SPACING, place


def test_every_node_gets_a_position_within_the_drawing() -> None:
    nodes = [{"id": i} for i in range(100)]
    edges = [{"source": i, "target": (i + 1) % 100} for i in range(100)]
    edges.append({"source": 3, "target": 999})  # an edge to a node not drawn is ignored
    view = place({"nodes": nodes, "edges": edges})
    size = SPACING * 10
    assert all(0 <= n["x"] <= size and 0 <= n["y"] <= size for n in view["nodes"])
    assert len({(n["x"], n["y"]) for n in view["nodes"]}) == 100


def test_an_empty_or_single_node_view_is_fine() -> None:
    assert place({"nodes": [], "edges": []}) == {"nodes": [], "edges": []}
    assert place({"nodes": [{"id": 1}], "edges": []})["nodes"] == [{"id": 1, "x": 0.0,
                                                                     "y": 0.0}]
