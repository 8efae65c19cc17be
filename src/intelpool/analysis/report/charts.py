"""Charts as SVG from matplotlib's SVG backend: plain vector paths and text, which browsers
and WeasyPrint render alike (no script, no external fonts)."""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("svg")  # before pyplot: no display, no GUI toolkit
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

matplotlib.rcParams.update({"svg.fonttype": "none", "font.family": "DejaVu Sans",
                            "font.size": 9, "svg.hashsalt": "intelpool"})
PALETTE = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a50021",
           "#7f7f7f")


def _svg(fig: Figure) -> str:
    """The figure as an <svg> element to inline in HTML (no XML prolog or DOCTYPE)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return re.sub(r"^.*?(<svg)", r"\1", text, count=1, flags=re.S)


def monthly_bars(months: list[str], series: dict[str, list[int]], title: str) -> str:
    """Stacked bars: one bar per month, one colour per series."""
    fig, ax = plt.subplots(figsize=(7.0, 3.2), layout="constrained")
    bottom = [0] * len(months)
    for i, (name, values) in enumerate(series.items()):
        ax.bar(months, values, bottom=bottom, label=name, color=PALETTE[i % len(PALETTE)])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title(title, loc="left")
    ax.set_ylabel("observations")
    ax.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        fig.legend(frameon=False, fontsize=7, ncols=4, loc="outside lower center")
    ax.tick_params(axis="x", labelrotation=45 if len(months) > 6 else 0)
    return _svg(fig)


def trend_line(labels: list[str], values: list[int], title: str) -> str:
    fig, ax = plt.subplots(figsize=(3.4, 1.6), layout="constrained")
    ax.plot(labels, values, marker="o", color=PALETTE[0])
    ax.fill_between(labels, values, alpha=0.15, color=PALETTE[0])
    ax.set_title(title, loc="left", fontsize=8)
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=7)
    return _svg(fig)
