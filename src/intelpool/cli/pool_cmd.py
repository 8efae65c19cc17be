"""Commands on the pool itself: init, submit, search, contributions."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from intelpool.cli.common import (
    AsOption,
    DbOption,
    JsonOption,
    acting_as,
    new_table,
    one_read_on,
    open_engine,
    print_json,
    transaction,
)

if TYPE_CHECKING:
    from intelpool.formats.records import Rejection
    from intelpool.pool.views import EvaluationView, HandlingView, ObservationView

if TYPE_CHECKING:
    from intelpool.pool import ingest
    from intelpool.pool.submission import IngestSummary

contribution_app = typer.Typer(help="Contributions: what each submission brought.",
                               no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("submit")(submit)
    app.command("search")(search)
    app.add_typer(contribution_app, name="contribution")


def init(db: DbOption = None) -> None:
    """Create the pool, or upgrade it to the newest schema (Alembic migrations)."""
    from intelpool.cli.common import console
    from intelpool.db.migrate import upgrade

    engine = open_engine(db, require_current=False)
    try:
        revision = upgrade(engine)
    finally:
        engine.dispose()
    console.print(f"pool ready at {engine.url.render_as_string(hide_password=True)} "
                  f"(schema {revision})", highlight=False)


def submit(
    file: Annotated[Path, typer.Argument(help="The file to submit.")],
    as_: AsOption,
    tlp: Annotated[str, typer.Option(help="clear, green, amber, amber+strict or red "
                                          "(white = clear).")],
    audience: Annotated[list[str] | None, typer.Option(
        help="pool, org:NAME or group:NAME; repeat. Default: pool for clear/green, "
             "else the originator only.")] = None,
    handling: Annotated[list[str] | None, typer.Option(help="Handling code H0, H1 or H2; "
                                                           "repeat.")] = None,
    h3: Annotated[str | None, typer.Option(help="H3: other restrictions, as text.")] = None,
    pap: Annotated[str | None, typer.Option(help="clear, green, amber or red.")] = None,
    anonymous: Annotated[bool, typer.Option(help="Hide your organisation's name from "
                                                 "partners.")] = False,
    reliability: Annotated[str | None, typer.Option(help="Source reliability code.")] = None,
    credibility: Annotated[str | None, typer.Option(help="Information credibility code.")] = None,
    scheme: Annotated[str | None, typer.Option(
        help="Evaluation scheme: admiralty (6x6) or 4x4; inferred from the codes and your "
             "organisation's kind when omitted.")] = None,
    theme: Annotated[list[str] | None, typer.Option(help="Crime theme; repeat.")] = None,
    title: Annotated[str | None, typer.Option(help="Title of the contribution.")] = None,
    format: Annotated[str, typer.Option(help="auto (by content) or a format name.")] = "auto",
    column: Annotated[list[str] | None, typer.Option(
        help="CSV column mapping FIELD=COLUMN, e.g. value=indicator; repeat.")] = None,
    delimiter: Annotated[str | None, typer.Option(
        help="CSV delimiter: comma, tab, semicolon, pipe or one character (default: "
             "guessed).")] = None,
    type: Annotated[str | None, typer.Option(
        help="Observable type of every untyped value (e.g. a list of domains).")] = None,
    rejections: Annotated[Path | None, typer.Option(
        help="Write every rejected record with its location and reason (CSV).")] = None,
    operation: Annotated[int | None, typer.Option(
        help="Share it with every member of this operation (under its own handling).")]
    = None,
    background: Annotated[bool, typer.Option(
        "--background", help="Queue it as a job and return its id at once; follow it with "
                             "'intelpool job show ID'.")] = False,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Submit a file to the pool under your handling and evaluation."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from intelpool.access.handling import HandlingRequest
    from intelpool.cli.common import console, err_console
    from intelpool.config import Settings
    from intelpool.formats.records import ImportOptions
    from intelpool.pool import ingest

    options = ImportOptions(columns=dict(_pair(c) for c in column or []), delimiter=delimiter,
                            default_type=type)
    request = HandlingRequest(tlp=tlp, audience=audience or [], codes=handling or [],
                              h3_text=h3, pap=pap, anonymous=anonymous)
    sub = ingest.Submission(path=file, handling=request, format=format, options=options,
                            title=title, themes=theme or [], reliability=reliability,
                            credibility=credibility, scheme=scheme)
    if background:
        _submit_in_background(sub, as_, operation, rejections, db, json)
        return
    writer_file = rejections.open("w", newline="", encoding="utf-8") if rejections else None
    writer = csv.writer(writer_file) if writer_file else None
    if writer:
        writer.writerow(["location", "value", "reason"])

    def on_rejection(rej: Rejection) -> None:
        if writer:
            writer.writerow([rej.location, rej.value, rej.reason])

    size = file.stat().st_size if file.is_file() else 0
    progress = Progress(TextColumn("[bold]submitting"), BarColumn(),
                        TextColumn("{task.fields[records]:,} records"),
                        TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                        console=err_console, transient=True, disable=json)
    try:
        with progress, transaction(db) as conn:
            task = progress.add_task("submit", total=size or None, records=0, rate="")

            def report(records: int, done_bytes: int) -> None:
                elapsed = progress.tasks[task].elapsed or 0
                rate = f"{records / elapsed:,.0f}/s" if elapsed > 0 else ""
                progress.update(task, completed=done_bytes, records=records, rate=rate)

            principal = acting_as(conn, as_)
            summary = ingest.submit(conn, principal, sub,
                                    batch_size=Settings().ingest_batch_size,
                                    on_rejection=on_rejection, progress=report)
            if operation is not None:
                from intelpool.operations import links

                links.attach(conn, principal, operation, summary.contribution_id,
                             again_ok=summary.already_submitted)
    finally:
        if writer_file:
            writer_file.close()
    if json:
        print_json(summary)
        return
    if summary.already_submitted:
        console.print(f"already submitted with this handling as contribution "
                      f"{summary.contribution_id}: nothing stored again")
        return
    parts = f" (+ {len(summary.parts)} stricter-marked parts)" if summary.parts else ""
    console.print(
        f"contribution {summary.contribution_id}{parts} ({summary.format}): "
        f"{summary.accepted:,} accepted, {summary.duplicates:,} duplicates, "
        f"{summary.rejected:,} rejected; {summary.entities:,} entities, "
        f"{summary.relationships:,} relationships; {_hits_text(summary)}", highlight=False)
    if summary.rejected and not rejections:
        console.print("use --rejections FILE to see each rejected record and why", style="dim")


def _hits_text(summary: IngestSummary) -> str:
    """New and refreshed hits, by partner: new ones add up to what 'intelpool hits' lists."""
    def by_partner(attribute: str) -> str:
        counts = sorted((label, getattr(n, attribute))
                        for label, n in summary.hit_partners.items())
        named = [f"{label} {count:,}" for label, count in counts if count]
        return f" ({', '.join(named)})" if named else ""

    text = (f"{summary.new_hits:,} new hits{by_partner('new')}, "
            f"{summary.refreshed_hits:,} refreshed{by_partner('refreshed')}")
    if summary.widespread:
        text += f"; {summary.widespread:,} widespread selectors"
    if summary.folded_hits:
        text += f" ({summary.folded_hits:,} earlier hits folded into them)"
    return text


def _submit_in_background(sub: ingest.Submission, as_: str, operation: int | None,
                          rejections: Path | None, db: str | None, json: bool) -> None:
    from intelpool.cli.common import console
    from intelpool.errors import InvalidInput
    from intelpool.jobs import service as jobs

    if rejections is not None:
        raise InvalidInput("--rejections with --background: the job keeps the rejections; "
                           "write them with 'intelpool job show ID --rejections FILE'")
    with transaction(db) as conn:
        job_id = jobs.submit_in_background(conn, acting_as(conn, as_), sub, operation=operation)
        engine = conn.engine
    jobs.start_runner(engine.url.render_as_string(hide_password=False), engine)
    if json:
        print_json({"job": job_id, "state": "queued"})
        return
    console.print(f"job {job_id} queued: follow it with 'intelpool job show {job_id}'"
                  + ("; 'intelpool worker' runs jobs" if engine.dialect.name != "sqlite"
                     else ""), highlight=False)


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key or not value:
        raise typer.BadParameter(f"{text!r}: use FIELD=COLUMN")
    return key.strip(), value.strip()


def search(
    value: Annotated[str, typer.Argument(help="The selector to look for (defanged is fine).")],
    as_: AsOption,
    type: Annotated[str | None, typer.Option(help="Observable type, when detection "
                                                  "would guess wrong.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Every observation of a selector that you may see."""
    from intelpool.pool import reads

    with one_read_on(db) as conn:
        results = reads.search(conn, acting_as(conn, as_), value, type)
    if json:
        print_json(results)
        return
    if not results:
        typer.echo("nothing you may see holds this selector")
        return
    _observation_table(results)


def _observation_table(rows: list[ObservationView]) -> None:
    from intelpool.cli.common import console

    table = new_table("contribution", "originator", "selector", "role", "seen", "handling",
                  "evaluation", "themes")
    for r in rows:
        seen = " - ".join(d.strftime("%Y-%m-%d") for d in (r.first_seen, r.last_seen) if d)
        selector = f"{r.type} {r.value}" + (f"\n[yellow]warninglist: {r.warning}" if r.warning
                                             else "")
        table.add_row(str(r.contribution_id), r.originator, selector, r.role or "",
                      seen, _handling_text(r.handling), _evaluation_text(r.evaluation),
                      ", ".join(r.themes))
    console.print(table)


def _handling_text(h: HandlingView) -> str:
    parts = [f"TLP:{h.tlp.upper()}", f"PAP:{h.pap.upper()}", *h.codes]
    return " ".join(parts) + "\n" + ", ".join(h.audience)


def _evaluation_text(e: EvaluationView | None) -> str:
    return "" if e is None else f"{e.scheme} {e.reliability or '-'}{e.credibility or '-'}"


@contribution_app.command("list")
def contribution_list(
    as_: AsOption,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Contributions you may see."""
    from intelpool.cli.common import console
    from intelpool.pool import reads

    with transaction(db) as conn:
        items = reads.list_contributions(conn, acting_as(conn, as_), limit=limit)
    if json:
        print_json(items)
        return
    table = new_table("id", "originator", "received (UTC)", "title", "format", "handling",
                  "observations")
    for c in items:
        table.add_row(str(c.id), c.originator, c.received_at.strftime("%Y-%m-%d %H:%M"),
                      c.title or c.source_name or "", c.format, _handling_text(c.handling),
                      f"{c.accepted:,}")
    console.print(table)


@contribution_app.command("show")
def contribution_show(
    contribution_id: Annotated[int, typer.Argument(help="Contribution id.")],
    as_: AsOption,
    limit: Annotated[int, typer.Option(help="How many observations to list.")] = 100,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """One contribution you may see, with its observations."""
    from intelpool.cli.common import console
    from intelpool.pool import reads

    with transaction(db) as conn:
        detail = reads.show_contribution(conn, acting_as(conn, as_), contribution_id,
                                         limit=limit)
    if json:
        print_json(detail)
        return
    c = detail.contribution
    console.print(f"contribution {c.id} from {c.originator}, received "
                  f"{c.received_at:%Y-%m-%d %H:%M} UTC: {c.title or c.source_name or ''}\n"
                  f"format {c.format}; {_handling_text(c.handling)}; evaluation "
                  f"{_evaluation_text(c.evaluation) or 'none'}; themes "
                  f"{', '.join(c.themes) or 'none'}"
                  + (f"; tags {', '.join(c.tags)}" if c.tags else "")
                  + f"\n{detail.observation_count:,} observations, "
                  f"{detail.entity_count:,} entities, {detail.relationship_count:,} "
                  "relationships", highlight=False)
    if detail.observations:
        _observation_table(detail.observations)
