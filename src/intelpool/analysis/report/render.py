"""Render a report: one self-contained HTML file (styles and charts inline), and the PDF
made from that same HTML by WeasyPrint."""

from __future__ import annotations

from importlib import resources
from typing import IO

from jinja2 import Environment, Template, select_autoescape
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


def _context(report: Report) -> dict[str, object]:
    return {"r": report, "marking": f"TLP:{report.tlp.upper()}",
            "colour": TLP_COLOURS[report.tlp]}


def _template() -> Template:
    template = resources.files("intelpool.analysis.report").joinpath("report.html.j2")
    return _environment().from_string(template.read_text(encoding="utf-8"))


def to_html(report: Report) -> str:
    return _template().render(_context(report))


def write(report: Report, format: str, out: IO[bytes]) -> int:
    """Write the report as ``html`` or ``pdf`` to ``out``, piece by piece where the format
    allows; the PDF's number of pages (0 for HTML)."""
    if format == "pdf":
        from weasyprint import HTML

        document = HTML(string=to_html(report), base_url=None).render()
        document.write_pdf(target=out)
        return len(document.pages)
    for piece in _template().generate(_context(report)):
        out.write(piece.encode())
    return 0


def to_pdf(html: str) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=None).render()
    return document.write_pdf(), len(document.pages)
