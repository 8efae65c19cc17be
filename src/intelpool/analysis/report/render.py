"""Render a report: one self-contained HTML file (styles and charts inline), and the PDF
made from that same HTML by WeasyPrint."""

from __future__ import annotations

from importlib import resources

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from intelpool.analysis.report.model import Report

# TLP 2.0 colours: the label's text colour on black.
TLP_COLOURS = {"clear": "#FFFFFF", "green": "#33FF00", "amber": "#FFC000",
               "amber+strict": "#FFC000", "red": "#FF2B2B"}


def _environment() -> Environment:
    env = Environment(autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["svg"] = lambda text: Markup(text)  # our own charts, made by matplotlib
    return env


def to_html(report: Report) -> str:
    template = resources.files("intelpool.analysis.report").joinpath("report.html.j2")
    page = _environment().from_string(template.read_text(encoding="utf-8"))
    return page.render(r=report, marking=f"TLP:{report.tlp.upper()}",
                       colour=TLP_COLOURS[report.tlp])


def to_pdf(html: str) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=None).render()
    return document.write_pdf(), len(document.pages)
