"""Statistics: exact counts over what you may see, and partnership tables under disclosure
control."""

from __future__ import annotations

import csv
import sys
from typing import TYPE_CHECKING, Annotated

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

if TYPE_CHECKING:
    from intelpool.analysis.statistics import StatsTable


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)


def stats(
    as_: AsOption,
    by: Annotated[list[str] | None, typer.Option(
        help="One or two of theme, type, month, quarter, week, partner-kind, country, "
             "originator (comma-separated or repeated).")] = None,
    since: Annotated[str | None, typer.Option(help="First day counted (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Last day counted (YYYY-MM-DD).")] = None,
    scope: Annotated[str, typer.Option(
        help="visible: exact counts of what you may see; partnership: pool-wide counts "
             "under disclosure control.")] = "visible",
    db: DbOption = None,
    json: JsonOption = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV output.")] = False,
) -> None:
    """Counts of contributions, observations, selectors, hits and access requests, broken
    down by one or two dimensions. Months and weeks follow when a selector was first seen
    (else when it arrived); hits and access requests when they happened."""
    from intelpool.analysis.figures import statistics

    with transaction(db) as conn:
        table = statistics(conn, acting_as(conn, as_), by=by, since=since, until=until,
                           scope=scope)
    if json:
        print_json(table.to_json())
    elif as_csv:
        _write_csv(table)
    else:
        _print(table)


def _header(table: StatsTable) -> list[str]:
    return [*(table.dimensions or ["all"]), *table.measures]


def _cells(table: StatsTable) -> list[list[str]]:
    return [[*key, *("suppressed" if row[m] is None else str(row[m]) for m in table.measures)]
            for key, row in table.ordered()]


def _write_csv(table: StatsTable) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(_header(table))
    writer.writerows(_cells(table))
    writer.writerows([f"# {note}"] for note in table.notes)
    if table.rules:
        writer.writerow([f"# {_rules_text(table)}"])


def _rules_text(table: StatsTable) -> str:
    from intelpool.access.disclosure import DisclosureRules

    return DisclosureRules(**table.rules).text() if table.rules else ""


def _print(table: StatsTable) -> None:
    from rich.table import Table

    out = Table(*_header(table), title=f"{table.scope} statistics, {table.period}")
    for row in _cells(table):
        out.add_row(*row)
    common.console.print(out)
    if table.empty:
        common.console.print("nothing to count in this period")
    if table.rules:
        common.console.print(_rules_text(table), style="dim", highlight=False)
    for note in table.notes:
        common.console.print(note, style="dim", highlight=False)
