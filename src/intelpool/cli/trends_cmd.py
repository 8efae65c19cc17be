"""Trends: what rises and falls in what you may see."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Annotated

import typer

from intelpool.cli import common
from intelpool.cli.common import (
    AsOption,
    DbOption,
    JsonOption,
    acting_as,
    print_json,
    transaction,
)


def register(app: typer.Typer) -> None:
    app.command("trends")(trends)


def trends(
    as_: AsOption,
    theme: Annotated[str | None, typer.Option(help="Only contributions of this theme.")]
    = None,
    window: Annotated[str, typer.Option(help="Window length: days, weeks or months, "
                                             "e.g. 4w, 3m, 10d.")] = "4w",
    history: Annotated[int, typer.Option(help="How many windows before the last one form "
                                              "the baseline.")] = 3,
    until: Annotated[str | None, typer.Option(
        help="Last day of the last window (default: the newest data you may see).")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Rising and falling themes, malware families, threat actors, hosting networks and
    top-level domains of C2 and phishing, phishing brands and cash-out channels: counts per
    window, the change, and an exact test for counts (significant below p = 0.01)."""
    from rich.status import Status
    from rich.table import Table

    from intelpool.analysis.figures import trends as compute

    status = Status("trends", console=common.err_console)
    spinner: AbstractContextManager[object] = nullcontext() if json else status
    with spinner, transaction(db) as conn:
        report = compute(conn, acting_as(conn, as_), theme=theme, window=window,
                         history=history, until=until,
                         progress=lambda c: status.update(f"trends: {c}"))
    if json:
        print_json(report)
        return
    if report.empty:
        common.console.print("nothing you may see falls in these windows")
        return
    table = Table("category", "subject", "per window", "change", "p", "trend",
                  "contributions", title=f"trends: windows of {report.window} ending "
                  f"{', '.join(_short(report.windows))}"
                  + (f"; theme {report.theme}" if report.theme else ""))
    for t in report.trends:
        shown = ", ".join(map(str, t.contributions[:5]))
        more = f" (+{t.contributions_total - 5})" if t.contributions_total > 5 else ""
        table.add_row(t.category, t.subject, " ".join(map(str, t.counts)), t.change,
                      f"{t.p_value:.3g}", t.direction if t.significant else "-",
                      shown + more)
    common.console.print(table)


def _short(labels: list[str]) -> list[str]:
    return [label.split("..")[1] for label in labels]

