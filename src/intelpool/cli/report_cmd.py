"""Threat assessments for the partners, as HTML or PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from intelpool.cli import common
from intelpool.cli.common import AsOption, DbOption, acting_as, transaction


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    as_: AsOption,
    out: Annotated[Path, typer.Option(help="The file to write.")],
    period: Annotated[str, typer.Option(
        help="2024-Q2, 2024-05 or 2024-04-01..2024-06-30 (both days included).")],
    theme: Annotated[list[str] | None, typer.Option(help="Only these themes; repeat.")]
    = None,
    format: Annotated[str, typer.Option(help="html (one self-contained file) or pdf.")]
    = "html",
    db: DbOption = None,
) -> None:
    """Write a threat assessment of what you may see: cover with its TLP 2.0 marking (the
    strictest of any datum it shows), key findings, themes with charts, cooperation under
    the partnership rules, and an annex of every contribution it draws on."""
    from rich.status import Status

    from intelpool.analysis.figures import report as build
    from intelpool.analysis.report.render import to_html, to_pdf
    from intelpool.errors import InvalidInput

    if format not in ("html", "pdf"):
        raise InvalidInput(f"unknown report format {format!r}: use html or pdf")
    with Status("building the report", console=common.err_console) as status, \
            transaction(db) as conn:
        made = build(conn, acting_as(conn, as_), period=period, themes=theme)
        status.update("rendering")
        html = to_html(made)
        if format == "pdf":
            pdf, pages = to_pdf(html)
            out.write_bytes(pdf)
        else:
            out.write_text(html, encoding="utf-8")
            pages = 0
    size = out.stat().st_size
    what = f"{pages} pages, " if pages else ""
    empty = "; it has nothing to show for this period" if made.empty else ""
    common.console.print(f"wrote {out} ({format}, {what}{size:,} bytes, TLP:{made.tlp.upper()}, "
                  f"{len(made.annex)} contributions drawn on){empty}", highlight=False)
