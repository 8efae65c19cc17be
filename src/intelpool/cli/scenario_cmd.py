"""Scenario commands: generate a synthetic taskforce scenario, load one into a pool."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from intelpool.cli import common
from intelpool.cli.common import DbOption, JsonOption, open_engine, print_json
from intelpool.errors import InvalidInput
from intelpool.scenario import DEFAULT_SEED

if TYPE_CHECKING:
    from rich.progress import Progress
    from sqlalchemy import Engine

    from intelpool.scenario.generate import GenerateSummary
    from intelpool.scenario.load import LoadSummary

scenario_app = typer.Typer(help="Synthetic taskforce scenarios: partners, planted criminal "
                                "structures, ground truth.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(scenario_app, name="scenario")


def _progress(verb: str, quiet: bool) -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn(f"[bold]{verb}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[detail]}"), TimeElapsedColumn(),
                    console=common.err_console, transient=True, disable=quiet)


def run_generate(out: Path, *, scale: float, seed: int, formats: dict[str, str],
                 companion: str, quiet: bool) -> GenerateSummary:
    """Generate with a progress bar (periods done, selectors written)."""
    from intelpool.scenario.generate import generate

    with _progress("generating", quiet) as progress:
        task = progress.add_task("generate", total=None, detail="")

        def report(done: int, total: int, selectors: int) -> None:
            progress.update(task, completed=done, total=total, detail=f"{selectors:,} selectors")

        return generate(out, scale=scale, seed=seed, formats=formats, companion=companion,
                        progress=report)


def run_load(engine: Engine, directory: Path, *, quiet: bool) -> LoadSummary:
    """Load with a progress bar (contributions done, selectors per second)."""
    from intelpool.config import Settings
    from intelpool.scenario.load import load

    with _progress("loading", quiet) as progress:
        task = progress.add_task("load", total=None, detail="")

        def report(done: int, total: int, observations: int) -> None:
            elapsed = progress.tasks[task].elapsed or 0
            rate = f"{observations / elapsed:,.0f} selectors/s" if elapsed > 0 else ""
            progress.update(task, completed=done, total=total, detail=rate)

        return load(engine, directory, batch_size=Settings().ingest_batch_size,
                    progress=report)


def parse_formats(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        kind, sep, fmt = item.partition("=")
        if not sep or not kind.strip() or not fmt.strip():
            raise InvalidInput(f"--format {item!r}: use KIND=FORMAT, e.g. law-enforcement=csv")
        out[kind.strip()] = fmt.strip()
    return out


@scenario_app.command("generate")
def generate_cmd(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the scenario to "
                                                    "(its earlier files are replaced).")],
    scale: Annotated[float, typer.Option(
        help="1 is demo size (~39,000 selectors, ~250 contributions); size grows linearly; "
             "260 is about 10 million; fractions such as 0.05 make small test pools.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Same seed, same files, byte for byte.")]
    = DEFAULT_SEED,
    format: Annotated[list[str] | None, typer.Option(
        "--format", help="KIND=FORMAT: make a partner kind (host, law-enforcement, private, "
                         "cert) write stix, misp, csv or text; repeat.")] = None,
    companion: Annotated[str, typer.Option(
        help="Format of the files carrying what a partner's own format cannot state "
             "(wallets and IBANs in STIX, handles in MISP).")] = "csv",
    json: JsonOption = False,
) -> None:
    """Generate a scenario: contribution files, manifest.json and ground_truth.json."""
    summary = run_generate(out, scale=scale, seed=seed, formats=parse_formats(format or []),
                           companion=companion, quiet=json)
    if json:
        print_json(summary)
        return
    common.console.print(f"wrote {summary.contributions:,} contributions ({summary.selectors:,} "
                  f"selectors; {summary.structures} planted structures with "
                  f"{summary.members:,} members; {summary.decoys} decoys) to {summary.out} in "
                  f"{summary.elapsed_seconds:.1f} s", highlight=False)


@scenario_app.command("load")
def load_cmd(
    directory: Annotated[Path, typer.Argument(help="A directory written by 'scenario "
                                                   "generate'.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Load a scenario: create its partners, users and groups, submit every contribution."""
    engine = open_engine(db)
    try:
        summary = run_load(engine, directory, quiet=json)
    finally:
        engine.dispose()
    if json:
        print_json(summary)
        return
    print_load_summary(summary)


def print_load_summary(summary: LoadSummary) -> None:
    rate = summary.observations / summary.elapsed_seconds if summary.elapsed_seconds else 0
    common.console.print(
                  f"loaded {summary.contributions:,} contributions of {summary.organisations} "
                  f"organisations: {summary.observations:,} observations, "
                  f"{summary.rejections:,} rejections, {summary.entities:,} entities, "
                  f"{summary.relationships:,} relationships in {summary.elapsed_seconds:.1f} s "
                  f"({rate:,.0f} observations/s); {summary.hits:,} hits between partners, "
                  f"{summary.widespread:,} widespread selectors", highlight=False)
    for reason, count in list(summary.rejection_reasons.items())[:5]:
        common.console.print(f"  {count:,} rejected: {reason}", style="dim", highlight=False)
