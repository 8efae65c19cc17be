"""Commands for cross-matching: hits, access requests, deconfliction, scores, rematch."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from intelpool.cli import common
from intelpool.cli.common import (
    AsOption,
    DbOption,
    JsonOption,
    acting_as,
    new_table,
    parse_date,
    print_json,
    transaction,
)

access_app = typer.Typer(help="Access requests: ask an originator to release matched data.",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("hits")(hits_cmd)
    app.command("deconflict")(deconflict_cmd)
    app.command("score")(score_cmd)
    app.command("rematch")(rematch_cmd)
    app.command("notifications")(notifications_cmd)
    app.command("warninglists")(warninglists_cmd)
    app.add_typer(access_app, name="access")


def hits_cmd(
    as_: AsOption,
    since: Annotated[str | None, typer.Option(help="Only hits recorded or refreshed since "
                                                   "this date (UTC).")] = None,
    limit: Annotated[int, typer.Option(help="How many hits, newest first.")] = 500,
    sort: Annotated[str, typer.Option(help="last, first, selector, partner, kind or id; "
                                           "a leading '-' sorts descending.")] = "-last",
    offset: Annotated[int, typer.Option(min=0, help="Skip this many hits first.")] = 0,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Selectors of yours that partners hold too (hit/no-hit where you may not see theirs)."""
    from intelpool.matching import hits

    with transaction(db) as conn:
        report = hits.list_hits(conn, acting_as(conn, as_), since=parse_date(since),
                                limit=limit, offset=offset, sort=sort)
    if json:
        print_json(report)
        return
    table = new_table("hit", "your selector", "match", "partner", "partner's data", "themes",
                  "last (UTC)")
    for h in report.hits:
        held = ", ".join(map(str, h.partner_contributions))
        theirs = (f"{h.partner_selector}\ncontributions {held}" if h.partner_visible
                  else "not visible to you: 'intelpool access request'")
        table.add_row(str(h.id), h.selector, h.kind, h.partner, theirs, ", ".join(
            h.partner_themes), f"{h.last_at:%Y-%m-%d %H:%M}")
    common.console.print(table if report.hits else "no hits")
    if offset + len(report.hits) < report.total:
        common.err_console.print(
            f"showing {len(report.hits)} of {report.total} hits: use --offset, --limit or "
            "--since for more")
    for w in report.widespread:
        common.console.print(
            f"widespread: {w.selector} is held by {w.organisations} organisations")


def deconflict_cmd(
    items: Annotated[list[str], typer.Argument(help="Selectors, or files of one per line.")],
    as_: AsOption,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Before acting: which of these selectors do other partners already hold?"""
    from intelpool.matching.deconflict import deconflict

    values: list[str] = []
    for item in items:
        path = Path(item)
        if path.is_file():
            values += [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                       if line.strip() and not line.startswith("#")]
        else:
            values.append(item)
    with transaction(db) as conn:
        results = deconflict(conn, acting_as(conn, as_), values)
    if json:
        print_json(results)
        return
    table = new_table("selector", "held by", "match", "visible to you", "themes")
    for r in results:
        if r.error:
            table.add_row(r.input, f"[red]not a selector: {r.error}", "", "", "")
            continue
        note = f" (warninglist: {r.warning})" if r.warning else ""
        if not r.holders:
            table.add_row(f"{r.selector}{note}", "nobody else", "", "", "")
        for h in r.holders:
            seen = f"yes: {', '.join(map(str, h.contributions))}" if h.visible else "no"
            table.add_row(f"{r.selector}{note}", h.partner, h.kind, seen, ", ".join(h.themes))
    common.console.print(table)
    for r in results:
        for p in r.operations:
            common.console.print(f"{r.selector}: {p.lead} has it as a target ({p.match})"
                          + (f"; contact {p.contact}" if p.contact else ""), highlight=False,
                          markup=False)


def score_cmd(
    value: Annotated[str, typer.Argument(help="The selector to score.")],
    as_: AsOption,
    type: Annotated[str | None, typer.Option(help="Observable type.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """A confidence score from 0 to 100 with its breakdown, from what you may see."""
    from intelpool.matching import scoring

    with transaction(db) as conn:
        view = scoring.score(conn, acting_as(conn, as_), value, type)
    if json:
        print_json(view)
        return
    common.console.print(f"{view.selector}: score {view.score} from {view.organisations} "
                  f"organisation(s), half-life {view.half_life_days:g} days"
                  + (f"; warninglist {view.warning}" if view.warning else ""), highlight=False)
    table = new_table("contribution", "originator", "evaluation", "age (days)", "decay", "weight")
    for s in view.sightings:
        table.add_row(str(s.contribution_id), s.originator, s.evaluation, f"{s.age_days:g}",
                      f"{s.decay:.3f}", f"{s.weight:.3f}")
    if view.sightings:
        common.console.print(table)


def rematch_cmd(db: DbOption = None, as_: Annotated[str | None, typer.Option(
        "--as", help="A host admin to act as (default: the console operator).")] = None,
        json: JsonOption = False) -> None:
    """Recompute warninglist marks, widespread selectors and every hit of the pool."""
    from rich.progress import Progress

    from intelpool.access import Permission, require
    from intelpool.config import Settings
    from intelpool.matching import engine

    with transaction(db) as conn, Progress(console=common.err_console, transient=True,
                                           disable=json) as progress:
        require(acting_as(conn, as_), Permission.PARTNERS_MANAGE)
        task = progress.add_task("rematching organisations", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = engine.rematch(conn, Settings(), report)
    if json:
        print_json(summary)
    else:
        common.console.print(f"rematched: {summary.hits:,} hits, {summary.widespread:,} widespread")


def notifications_cmd(as_: AsOption, db: DbOption = None, json: JsonOption = False) -> None:
    """Notices for your organisation: hits, access requests and decisions."""
    from intelpool.audit import notifications
    from intelpool.operations.work import remind

    with transaction(db) as conn:
        remind(conn)
        items = notifications.inbox(conn, acting_as(conn, as_))
    if json:
        print_json(items)
        return
    for n in items:
        common.console.print(f"{n.created_at:%Y-%m-%d %H:%M} [{n.kind}] {n.message}",
                             highlight=False, markup=False)


def warninglists_cmd(json: JsonOption = False) -> None:
    """The warninglists in force (built-in and INTELPOOL_WARNINGLIST_DIR)."""
    from intelpool.config import Settings
    from intelpool.matching import warninglists

    lists = warninglists.load(Settings().warninglist_dir)
    if json:
        print_json(lists)
        return
    table = new_table("name", "type", "entries", "applied", "source")
    for wl in lists:
        table.add_row(wl.name, wl.kind, str(len(wl.entries)), "yes" if wl.applied else
                      "no (type not supported)", wl.source)
    common.console.print(table)


@access_app.command("request")
def access_request(
    hit: Annotated[int, typer.Argument(help="The hit whose partner data you ask for.")],
    as_: AsOption,
    reason: Annotated[str, typer.Option(help="Why you need it.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Ask the originator to release the data behind a hit."""
    from intelpool.matching import access_requests

    with transaction(db) as conn:
        view = access_requests.request_access(conn, acting_as(conn, as_), hit, reason)
    print_json(view) if json else common.console.print(f"access request {view.id} sent to "
                                                f"{view.holder}", highlight=False)


@access_app.command("requests")
def access_list(
    as_: AsOption,
    status: Annotated[str | None, typer.Option(help="pending, granted or denied.")] = None,
    sort: Annotated[str, typer.Option(help="id, status, created, requester or holder; a "
                                           "leading '-' sorts descending.")] = "-id",
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Access requests to and from your organisation."""
    from intelpool.db.sorting import Slice
    from intelpool.matching import access_requests

    with transaction(db) as conn:
        items = access_requests.request_page(conn, acting_as(conn, as_), status=status,
                                             part=Slice(sort)).items
    if json:
        print_json(items)
        return
    table = new_table("id", "hit", "from", "to", "status", "reason", "H2")
    for r in items:
        table.add_row(str(r.id), str(r.hit_id or ""), r.requester, r.holder, r.status,
                      r.reason, "yes" if r.h2 else "")
    common.console.print(table)


def _decide(request: int, as_: str, note: str | None, db: str | None, grant: bool) -> None:
    from intelpool.matching import access_requests

    with transaction(db) as conn:
        view = access_requests.decide(conn, acting_as(conn, as_), request, grant=grant,
                                      note=note)
    extra = " (recorded as the originator's consent to release H2 data)" if view.h2 and grant \
        else ""
    common.console.print(f"access request {view.id} {view.status}{extra}", highlight=False)


@access_app.command("grant")
def access_grant(
    request: Annotated[int, typer.Argument(help="The access request.")],
    as_: AsOption,
    note: Annotated[str | None, typer.Option(help="A note for the requester.")] = None,
    db: DbOption = None,
) -> None:
    """Release your data behind a hit to the requester (your recorded consent)."""
    _decide(request, as_, note, db, grant=True)


@access_app.command("deny")
def access_deny(
    request: Annotated[int, typer.Argument(help="The access request.")],
    as_: AsOption,
    note: Annotated[str | None, typer.Option(help="A note for the requester.")] = None,
    db: DbOption = None,
) -> None:
    """Refuse an access request."""
    _decide(request, as_, note, db, grant=False)
