"""Commands for joint operations: create, members, linked targets, shared contributions,
tasks, notes, action days, status; deconfliction alerts between operations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from intelpool.cli import common
from intelpool.cli.common import AsOption, DbOption, JsonOption, acting_as, print_json
from intelpool.cli.common import transaction as _transaction

operation_app = typer.Typer(help="Joint operations (cases) with partner organisations.",
                            no_args_is_help=True)
task_app = typer.Typer(help="Tasks inside an operation.", no_args_is_help=True)
deconfliction_app = typer.Typer(help="Deconfliction alerts between operations.",
                                no_args_is_help=True)
Id = Annotated[int, typer.Argument(help="The operation.")]


def register(app: typer.Typer) -> None:
    operation_app.add_typer(task_app, name="task")
    app.add_typer(operation_app, name="operation")
    app.add_typer(deconfliction_app, name="deconfliction")
    app.command("tasks")(tasks_cmd)


def when(text: str, option: str) -> datetime:
    """A date or ISO 8601 time, in UTC unless it says otherwise."""
    from intelpool.times import utc_time

    return utc_time(text, option)


def done(message: str) -> None:
    common.console.print(message, highlight=False, markup=False)


@operation_app.command("create")
def create(name: Annotated[str, typer.Argument(help="The operation's name.")], as_: AsOption,
           theme: Annotated[list[str] | None, typer.Option(help="Crime theme; repeat.")] = None,
           description: Annotated[str | None, typer.Option(help="What it is about.")] = None,
           confidential: Annotated[bool, typer.Option(
               help="Deconflicted, but other leads learn only 'an operation of a partner' "
                    "until you reveal yourself.")] = False,
           from_network: Annotated[str | None, typer.Option(
               help="Link the members and entities of a proposed network.")] = None,
           db: DbOption = None, json: JsonOption = False) -> None:
    """Open an operation led by your organisation."""
    from intelpool.operations import service

    with _transaction(db) as conn:
        op_id = service.create(conn, acting_as(conn, as_), name, themes=theme,
                               description=description, confidential=confidential,
                               from_network=from_network)
    print_json({"id": op_id}) if json else done(f"operation {op_id} '{name}' created")


@operation_app.command("invite")
def invite(operation: Id, org: Annotated[str, typer.Argument(help="Organisation name.")],
           as_: AsOption, role: Annotated[str, typer.Option(
               help="participant (reads and adds) or observer (reads).")] = "participant",
           db: DbOption = None) -> None:
    """Invite an organisation (the lead only)."""
    from intelpool.operations import service

    with _transaction(db) as conn:
        service.invite(conn, acting_as(conn, as_), operation, org, role)
    done(f"{org} invited to operation {operation} as {role}")


@operation_app.command("join")
def join(operation: Id, as_: AsOption, db: DbOption = None) -> None:
    """Accept your organisation's invitation."""
    from intelpool.operations import service

    with _transaction(db) as conn:
        service.join(conn, acting_as(conn, as_), operation)
    done(f"joined operation {operation}")


@operation_app.command("decline")
def decline(operation: Id, as_: AsOption, db: DbOption = None) -> None:
    """Decline your organisation's invitation."""
    from intelpool.operations import service

    with _transaction(db) as conn:
        service.decline(conn, acting_as(conn, as_), operation)
    done(f"declined operation {operation}")


@operation_app.command("remove")
def remove(operation: Id, org: Annotated[str, typer.Argument(help="Organisation name.")],
           as_: AsOption, db: DbOption = None) -> None:
    """Remove a member (the lead only): it loses access at once."""
    from intelpool.operations import service

    with _transaction(db) as conn:
        service.remove(conn, acting_as(conn, as_), operation, org)
    done(f"{org} removed from operation {operation}")


@operation_app.command("link")
def link(operation: Id, as_: AsOption, values: Annotated[list[str] | None, typer.Argument(
             help="Selectors you may see.")] = None,
         entity: Annotated[list[str] | None, typer.Option(
             help="An entity name you may see; repeat.")] = None,
         db: DbOption = None, json: JsonOption = False) -> None:
    """Link selectors and entities to the operation (and the deconfliction register)."""
    from intelpool.operations import links

    with _transaction(db) as conn:
        linked = links.link(conn, acting_as(conn, as_), operation, values or [], entity or [])
    if json:
        print_json(linked)
    else:
        done(f"linked {len(linked)} new target(s) to operation {operation}")


@operation_app.command("attach")
def attach(operation: Id, contribution: Annotated[int, typer.Argument(
               help="One of your organisation's contributions.")],
           as_: AsOption, db: DbOption = None) -> None:
    """Share an earlier contribution of yours with every member, under its own handling."""
    from intelpool.operations import links

    with _transaction(db) as conn:
        links.attach(conn, acting_as(conn, as_), operation, contribution)
    done(f"contribution {contribution} shared in operation {operation}")


@task_app.command("add")
def task_add(operation: Id, text: Annotated[str, typer.Argument(help="What is to be done.")],
             as_: AsOption, assign: Annotated[str, typer.Option(
                 help="A member organisation, or a user's e-mail.")],
             due: Annotated[str | None, typer.Option(help="Due date (UTC).")] = None,
             db: DbOption = None) -> None:
    """Add a task for a member organisation or one of its users."""
    from intelpool.operations import work

    with _transaction(db) as conn:
        task = work.add_task(conn, acting_as(conn, as_), operation, text, assign,
                             when(due, "--due") if due else None)
    done(f"task {task} added to operation {operation}")


def _task_state(task: int, as_: str, db: str | None, is_done: bool) -> None:
    from intelpool.operations import work

    with _transaction(db) as conn:
        work.set_task_done(conn, acting_as(conn, as_), task, is_done)
    done(f"task {task} {'done' if is_done else 'reopened'}")


@task_app.command("done")
def task_done(task: Annotated[int, typer.Argument(help="The task.")], as_: AsOption,
              db: DbOption = None) -> None:
    """Mark a task done."""
    _task_state(task, as_, db, True)


@task_app.command("reopen")
def task_reopen(task: Annotated[int, typer.Argument(help="The task.")], as_: AsOption,
                db: DbOption = None) -> None:
    """Reopen a task."""
    _task_state(task, as_, db, False)


def tasks_cmd(as_: AsOption, all: Annotated[bool, typer.Option(
                  "--all", help="Include done tasks.")] = False,
              db: DbOption = None, json: JsonOption = False) -> None:
    """Tasks assigned to you or your organisation, across operations."""
    from rich.table import Table

    from intelpool.operations import work

    with _transaction(db) as conn:
        items = work.my_tasks(conn, acting_as(conn, as_), open_only=not all)
    if json:
        print_json(items)
        return
    table = Table("task", "operation", "text", "for", "due (UTC)", "state")
    for t in items:
        table.add_row(str(t.id), f"{t.operation_id} {t.operation}", t.text, t.assignee,
                      f"{t.due_at:%Y-%m-%d %H:%M}" if t.due_at else "",
                      "done" if t.done_at else "overdue" if t.overdue else "open")
    common.console.print(table if items else "no tasks")


@operation_app.command("note")
def note(operation: Id, text: Annotated[str, typer.Argument(help="The note.")], as_: AsOption,
         takedown: Annotated[list[str] | None, typer.Option(
             help="A selector the note asks to take down; repeat.")] = None,
         db: DbOption = None) -> None:
    """Add a note, signed by you and your organisation."""
    from intelpool.operations import work

    with _transaction(db) as conn:
        note_id = work.add_note(conn, acting_as(conn, as_), operation, text,
                                takedown=takedown or [])
        held = work.is_held(conn, note_id)
    done(f"note {note_id} held until the lead of an operation it touches releases it" if held
         else f"note added to operation {operation}")


@operation_app.command("release-note")
def release_note(note_id: Annotated[int, typer.Argument(metavar="NOTE", help="The note.")],
                 as_: AsOption, db: DbOption = None) -> None:
    """Let a held takedown note touching your operation's target show to its operation."""
    from intelpool.operations import work

    with _transaction(db) as conn:
        work.release_note(conn, acting_as(conn, as_), note_id)
    done(f"note {note_id} released")


@operation_app.command("log")
def log(operation: Id, text: Annotated[str, typer.Argument(help="What happened.")],
        as_: AsOption, db: DbOption = None) -> None:
    """Write to the live log of the action day."""
    from intelpool.operations import work

    with _transaction(db) as conn:
        work.add_note(conn, acting_as(conn, as_), operation, text, kind="log")
    done(f"logged in operation {operation}")


@operation_app.command("action-day")
def action_day(operation: Id, at: Annotated[str, typer.Argument(
                   help="Date and time of the action (UTC).")],
               as_: AsOption, country: Annotated[str, typer.Option(
                   help="Country acting (one of the operation's).")],
               action: Annotated[str, typer.Option(
                   help="arrest, search, takedown, seizure, sinkhole or other.")],
               target: Annotated[list[str] | None, typer.Option(
                   help="A selector acted on; repeat.")] = None,
               note: Annotated[str | None, typer.Option(help="What is to happen.")] = None,
               db: DbOption = None) -> None:
    """Plan one country's action on the coordinated day."""
    from intelpool.operations import work

    with _transaction(db) as conn:
        day = work.add_action_day(conn, acting_as(conn, as_), operation, when(at, "DATETIME"),
                                  country, action, target or [], note)
    done(f"action day {day} planned in operation {operation}")


@operation_app.command("decide")
def decide(action_day: Annotated[int, typer.Argument(help="The action day.")], as_: AsOption,
           go: Annotated[bool, typer.Option("--go/--no-go", help="The lead's decision.")],
           db: DbOption = None) -> None:
    """Go or no-go for an action day (the lead only)."""
    from intelpool.operations import work

    with _transaction(db) as conn:
        work.decide(conn, acting_as(conn, as_), action_day, go)
    done(f"action day {action_day}: {'go' if go else 'no-go'}")


@operation_app.command("embargo")
def embargo(operation: Id, until: Annotated[str, typer.Argument(
                help="Press embargo until (UTC), or 'none'.")],
            as_: AsOption, db: DbOption = None) -> None:
    """Set the press embargo (the lead only)."""
    from intelpool.operations import work

    moment = None if until.lower() == "none" else when(until, "UNTIL")
    with _transaction(db) as conn:
        work.set_embargo(conn, acting_as(conn, as_), operation, moment)
    done(f"press embargo of operation {operation}: {until}")


@operation_app.command("status")
def status(operation: Id, new: Annotated[str, typer.Argument(
               help="planned, active, action-day or closed.")],
           as_: AsOption, db: DbOption = None) -> None:
    """Change the operation's status (the lead only); closed is read-only."""
    from intelpool.operations import service

    with _transaction(db) as conn:
        service.set_status(conn, acting_as(conn, as_), operation, new)
    done(f"operation {operation} is {new}")


@operation_app.command("renew")
def renew(operation: Id, as_: AsOption, months: Annotated[int | None, typer.Option(
              help="Months from now (default INTELPOOL_DECONFLICTION_MONTHS, 24).")] = None,
          db: DbOption = None) -> None:
    """Keep the linked targets in the deconfliction register longer (the lead only)."""
    from intelpool.config import Settings
    from intelpool.operations import service

    with _transaction(db) as conn:
        count = service.renew(conn, acting_as(conn, as_), operation,
                              months or Settings().deconfliction_months)
    done(f"{count} target(s) of operation {operation} renewed")


@operation_app.command("reveal")
def reveal(operation: Id, alert: Annotated[str, typer.Argument(help="DC-N.")], as_: AsOption,
           db: DbOption = None) -> None:
    """Name your confidential operation's lead to the other lead of one alert."""
    from intelpool.operations import alerts

    with _transaction(db) as conn:
        view = alerts.reveal(conn, acting_as(conn, as_), operation, alert)
    done(f"{view.number}: revealed to the other lead")


@operation_app.command("list")
def list_cmd(
    as_: AsOption, db: DbOption = None, json: JsonOption = False,
    state: Annotated[str | None, typer.Option(help="joined or invited; both if left out.")
                     ] = None,
    sort: Annotated[str, typer.Option(help="id, name, lead, status or created; a leading '-' "
                                           "sorts descending.")] = "-id",
) -> None:
    """Operations your organisation leads, takes part in or is invited to."""
    from rich.table import Table

    from intelpool.db.sorting import Slice
    from intelpool.operations import service

    with _transaction(db) as conn:
        items = service.operation_page(conn, acting_as(conn, as_), state, Slice(sort)).items
    if json:
        print_json(items)
        return
    table = Table("id", "name", "lead", "status", "you", "themes")
    for o in items:
        you = o.your_role if o.your_state == "joined" else f"invited as {o.your_role}"
        table.add_row(str(o.id), o.name + (" (confidential)" if o.confidential else ""),
                      o.lead, o.status, you, ", ".join(o.themes))
    common.console.print(table if items else "no operations")


@operation_app.command("show")
def show(operation: Id, as_: AsOption, db: DbOption = None, json: JsonOption = False) -> None:
    """One operation: members, targets, contributions, tasks, notes, the plan by country."""
    from intelpool.cli.operations_show import print_detail
    from intelpool.operations import service

    with _transaction(db) as conn:
        detail = service.show(conn, acting_as(conn, as_), operation)
    print_json(detail) if json else print_detail(detail)


@operation_app.command("timeline")
def timeline(operation: Id, as_: AsOption, db: DbOption = None,
             json: JsonOption = False) -> None:
    """Every change to the operation, oldest first."""
    from intelpool.operations import service

    with _transaction(db) as conn:
        entries = service.timeline(conn, acting_as(conn, as_), operation)
    if json:
        print_json(entries)
        return
    for e in entries:
        done(f"{e.at:%Y-%m-%d %H:%M} {e.actor} {e.action} "
             + ", ".join(f"{k}={v}" for k, v in e.detail.items()))


@deconfliction_app.command("list")
def alerts_list(as_: AsOption, db: DbOption = None, json: JsonOption = False) -> None:
    """Deconfliction alerts on operations your organisation leads."""
    from rich.table import Table

    from intelpool.operations import alerts

    with _transaction(db) as conn:
        items = alerts.list_alerts(conn, acting_as(conn, as_))
    if json:
        print_json(items)
        return
    table = Table("alert", "kind", "your operation", "your target", "match", "other side",
                  "contact", "outcomes (yours / theirs)")
    for a in items:
        table.add_row(a.number, a.kind, str(a.your_operation), a.your_target, a.match,
                      a.other_lead, a.contact or "", f"{a.your_outcome or '-'} / "
                      f"{a.other_outcome or '-'}")
    common.console.print(table if items else "no deconfliction alerts")


@deconfliction_app.command("resolve")
def alerts_resolve(alert: Annotated[str, typer.Argument(help="DC-N.")], as_: AsOption,
                   outcome: Annotated[str, typer.Option(
                       help="proceed, joint, delay or cancel.")],
                   note: Annotated[str | None, typer.Option(help="A note.")] = None,
                   db: DbOption = None) -> None:
    """Record your outcome on an alert; the pool never resolves a conflict by itself."""
    from intelpool.operations import alerts

    with _transaction(db) as conn:
        view = alerts.resolve(conn, acting_as(conn, as_), alert, outcome, note)
    done(f"{view.number}: outcome {outcome} recorded")
