"""intelpool analysis refresh: recompute stale analyses ahead of the analysts who read them."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from intelpool.cli import common
from intelpool.cli.common import DbOption, JsonOption, open_engine, print_json

analysis_app = typer.Typer(help="Keep each organisation's analysis (networks, targets, the "
                                "reports that use them) computed ahead of its readers.",
                           no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(analysis_app, name="analysis")


@analysis_app.command("refresh")
def refresh(
    org: Annotated[str | None, typer.Option(
        help="Only this organisation (by name), whether or not it used the analysis yet.")]
    = None,
    all_: Annotated[bool, typer.Option(
        "--all", help="Every organisation with an analyst, not only those that already use "
                      "the analysis.")] = False,
    every: Annotated[float | None, typer.Option(
        help="Go on: refresh again this many seconds after each round ends (run it beside "
             "the workers).", show_default=False)] = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Recompute the analyses whose data changed since they were computed, one organisation
    at a time (a report or `networks` call then reads them at once)."""
    from intelpool.analysis import warm
    from intelpool.errors import InvalidInput

    if every is not None and every <= 0:
        raise InvalidInput(f"--every {every:g}: give a positive number of seconds")
    engine = open_engine(db)

    def shown(r: warm.Refreshed) -> None:
        if not json:
            common.console.print(f"{r.organisation}: {r.state} ({r.seconds:.1f} s)",
                                 highlight=False)

    try:
        while True:
            done = warm.refresh(engine, every=all_, name=org, done=shown)
            if json:
                print_json({"organisations": [{"organisation": r.organisation,
                                               "state": r.state, "seconds": r.seconds}
                                              for r in done]})
            elif not done:
                common.console.print("no organisation uses the analysis yet (--all computes "
                                     "every organisation's)", highlight=False)
            if every is None:
                return
            time.sleep(every)
    finally:
        engine.dispose()
