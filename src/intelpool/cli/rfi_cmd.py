"""Commands for requests for information and consultations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from intelpool.cli import common
from intelpool.cli.common import AsOption, DbOption, JsonOption, acting_as, print_json
from intelpool.cli.common import transaction as _transaction

rfi_app = typer.Typer(help="Requests for information and consultations.", no_args_is_help=True)
Id = Annotated[int, typer.Argument(help="The request for information.")]


def register(app: typer.Typer) -> None:
    app.add_typer(rfi_app, name="rfi")


def _say(message: str) -> None:
    common.console.print(message, highlight=False, markup=False)


@rfi_app.command("create")
def create(
    as_: AsOption,
    to: Annotated[list[str], typer.Option(help="ORG, group:NAME or kind:private|cert|...; "
                                               "repeat.")],
    question: Annotated[str, typer.Option(help="The question.")],
    item: Annotated[list[str] | None, typer.Option(
        help="A part of the question answered separately; repeat.")] = None,
    selector: Annotated[list[str] | None, typer.Option(help="A selector asked about.")] = None,
    operation: Annotated[int | None, typer.Option(help="The operation it serves.")] = None,
    due: Annotated[str | None, typer.Option(help="Answer by (UTC).")] = None,
    tlp: Annotated[str, typer.Option(help="The request's own TLP.")] = "amber",
    pap: Annotated[str | None, typer.Option(help="The request's PAP.")] = None,
    answer_handling: Annotated[str | None, typer.Option(
        help="The strictest TLP you can accept for answers; stricter ones wait for the "
             "answerer's consent.")] = None,
    on_behalf: Annotated[bool, typer.Option(
        help="The host centre asks in its own name: recipients do not learn who "
             "asked.")] = False,
    takedown: Annotated[bool, typer.Option(help="It asks for a takedown.")] = False,
    consultation: Annotated[str | None, typer.Option(
        help="A consultation: the meeting's date (UTC).")] = None,
    agenda: Annotated[str | None, typer.Option(help="The consultation's agenda.")] = None,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """Ask chosen partners a question (or invite them to a consultation)."""
    from intelpool.cli.operations_cmd import when
    from intelpool.operations import rfi

    request = rfi.RfiRequest(
        to=to, question=question, items=item or [], selectors=selector or [],
        operation_id=operation, due=when(due, "--due") if due else None, tlp=tlp, pap=pap,
        answer_tlp=answer_handling, on_behalf=on_behalf, takedown=takedown,
        meeting_at=when(consultation, "--consultation") if consultation else None,
        agenda=agenda)
    with _transaction(db) as conn:
        rfi_id = rfi.create(conn, acting_as(conn, as_), request)
        held = rfi.load(conn, acting_as(conn, as_), rfi_id)[0]["status"] == "held"
    if json:
        print_json({"id": rfi_id, "held": held})
    elif held:
        _say(f"request for information {rfi_id} is held: it touches the target of an "
             "operation, whose lead has been told")
    else:
        _say(f"request for information {rfi_id} sent")


@rfi_app.command("list")
def list_cmd(as_: AsOption, db: DbOption = None, json: JsonOption = False) -> None:
    """Requests you asked or received."""
    from rich.table import Table

    from intelpool.operations import rfi_views

    with _transaction(db) as conn:
        items = rfi_views.list_rfis(conn, acting_as(conn, as_))
    if json:
        print_json(items)
        return
    table = Table("id", "from", "question", "status", "you", "due (UTC)", "recipients")
    for r in items:
        table.add_row(str(r.id), r.requester, r.question, r.status, r.your_part,
                      f"{r.due_at:%Y-%m-%d}" if r.due_at else "",
                      ", ".join(f"{x.organisation}: {x.state}" for x in r.recipients))
    common.console.print(table if items else "no requests for information")


@rfi_app.command("show")
def show(rfi: Id, as_: AsOption, db: DbOption = None, json: JsonOption = False) -> None:
    """One request with its items, recipients' states, answers and minutes."""
    from intelpool.operations import rfi_views

    with _transaction(db) as conn:
        r = rfi_views.show(conn, acting_as(conn, as_), rfi)
    if json:
        print_json(r)
        return
    what = f"consultation on {r.meeting_at:%Y-%m-%d %H:%M} UTC" if r.meeting_at else "request"
    _say(f"{what} {r.id} from {r.requester} (TLP:{r.tlp.upper()}, PAP:{r.pap.upper()}): "
         f"{r.status}\n{r.question}" + (f"\nagenda: {r.agenda}" if r.agenda else ""))
    for n, text in enumerate(r.items, start=1):
        _say(f"  item {n}: {text}")
    if r.selectors:
        _say("selectors: " + ", ".join(r.selectors))
    for x in r.recipients:
        _say(f"recipient {x.organisation}: {x.state}" + (f" ({x.reason})" if x.reason else ""))
    for a in r.answers:
        file = f" [contribution {a.contribution_id}]" if a.contribution_id else ""
        wait = "" if a.delivered else " (awaiting the answerer's consent)"
        _say(f"answer {a.id} by {a.organisation}"
             + (f" to item {a.item}" if a.item else "") + f"{file}{wait}: {a.text}")
    for m in r.minutes:
        _say(f"minutes {m.at:%Y-%m-%d %H:%M} {m.author}: {m.text}")


def _respond(rfi: int, as_: str, accept: bool, reason: str | None, db: str | None) -> None:
    from intelpool.operations import rfi as service

    with _transaction(db) as conn:
        service.respond(conn, acting_as(conn, as_), rfi, accept, reason)
    _say(f"request for information {rfi} {'accepted' if accept else 'declined'}")


@rfi_app.command("accept")
def accept(rfi: Id, as_: AsOption, reason: Annotated[str | None, typer.Option(
               help="A word for the requester.")] = None, db: DbOption = None) -> None:
    """Accept a request you received."""
    _respond(rfi, as_, True, reason, db)


@rfi_app.command("decline")
def decline(rfi: Id, as_: AsOption, reason: Annotated[str, typer.Option(help="Why.")],
            db: DbOption = None) -> None:
    """Decline a request you received, with the reason."""
    _respond(rfi, as_, False, reason, db)


@rfi_app.command("answer")
def answer(
    rfi: Id, as_: AsOption, text: Annotated[str, typer.Option(help="The answer.")],
    item: Annotated[int | None, typer.Option(help="The item answered.")] = None,
    file: Annotated[Path | None, typer.Option(help="A file answering it (imported as a "
                                                   "contribution of yours).")] = None,
    format: Annotated[str, typer.Option(help="The file's format (auto by content).")] = "auto",
    tlp: Annotated[str, typer.Option(help="The file's TLP.")] = "amber",
    pap: Annotated[str | None, typer.Option(help="The file's PAP.")] = None,
    handling: Annotated[list[str] | None, typer.Option(help="H0, H1 or H2; repeat.")] = None,
    db: DbOption = None, json: JsonOption = False,
) -> None:
    """Answer a request (or one item of it) with text and optionally a file."""
    from intelpool.access.handling import HandlingRequest
    from intelpool.operations import rfi_answers
    from intelpool.pool import ingest

    submission = ingest.Submission(
        path=file, format=format, title=f"Answer to request for information {rfi}",
        handling=HandlingRequest(tlp=tlp, pap=pap, codes=handling or [])) if file else None
    with _transaction(db) as conn:
        answer_id = rfi_answers.answer(conn, acting_as(conn, as_), rfi, text, item=item,
                                       submission=submission)
    print_json({"id": answer_id}) if json else _say(f"answer {answer_id} recorded")


@rfi_app.command("consent")
def consent(answer: Annotated[int, typer.Argument(help="Your answer awaiting consent.")],
            as_: AsOption, db: DbOption = None) -> None:
    """Release a stricter answer under the handling the requester accepts."""
    from intelpool.operations import rfi_answers

    with _transaction(db) as conn:
        rfi_answers.consent(conn, acting_as(conn, as_), answer)
    _say(f"answer {answer} delivered")


def _change(rfi: int, as_: str, what: str, db: str | None, due: str | None = None) -> None:
    from intelpool.cli.operations_cmd import when
    from intelpool.operations import rfi as service

    with _transaction(db) as conn:
        new = service.change(conn, acting_as(conn, as_), rfi, what,
                             when(due, "--due") if due else None)
    _say(f"request for information {rfi} is {new}")


@rfi_app.command("close")
def close(rfi: Id, as_: AsOption, db: DbOption = None) -> None:
    """Close your request."""
    _change(rfi, as_, "close", db)


@rfi_app.command("cancel")
def cancel(rfi: Id, as_: AsOption, db: DbOption = None) -> None:
    """Cancel your request."""
    _change(rfi, as_, "cancel", db)


@rfi_app.command("reopen")
def reopen(rfi: Id, as_: AsOption, due: Annotated[str | None, typer.Option(
               help="A new due date (UTC).")] = None, db: DbOption = None) -> None:
    """Reopen your closed or expired request."""
    _change(rfi, as_, "reopen", db, due)


@rfi_app.command("release")
def release(rfi: Id, as_: AsOption, db: DbOption = None) -> None:
    """Let a held takedown request touching your operation's target go out."""
    from intelpool.operations import rfi as service

    with _transaction(db) as conn:
        service.release(conn, acting_as(conn, as_), rfi)
    _say(f"request for information {rfi} released to its recipients")


@rfi_app.command("minutes")
def minutes(rfi: Id, text: Annotated[str, typer.Argument(help="The minutes.")], as_: AsOption,
            db: DbOption = None) -> None:
    """Add minutes to your consultation, shared with every invitee."""
    from intelpool.operations import rfi_answers

    with _transaction(db) as conn:
        rfi_answers.add_minutes(conn, acting_as(conn, as_), rfi, text)
    _say(f"minutes added to {rfi}")
