"""The audit command: an organisation admin reads its organisation's trail."""

from __future__ import annotations

from typing import Annotated

import typer

from intelpool.cli.common import (
    AsOption,
    DbOption,
    JsonOption,
    acting_as,
    new_table,
    print_json,
    transaction,
)


def register(app: typer.Typer) -> None:
    app.command("audit")(audit_trail)


def audit_trail(
    as_: AsOption,
    limit: Annotated[int, typer.Option(help="How many events, newest first.")] = 50,
    sort: Annotated[str, typer.Option(help="at, actor, action or id; a leading '-' sorts "
                                           "descending.")] = "-id",
    action: Annotated[str | None, typer.Option(help="Only actions starting with this.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Show your organisation's audit trail (organisation admins)."""
    import orjson

    from intelpool.audit import service as audit
    from intelpool.cli.common import console
    from intelpool.db.sorting import Slice

    with transaction(db) as conn:
        events = audit.trail_page(conn, acting_as(conn, as_), action=action,
                                  part=Slice(sort, limit)).items
    if json:
        print_json(events)
        return
    table = new_table("when (UTC)", "who", "action", "subject", "detail")
    for e in events:
        subject = f"{e.subject_type} {e.subject_id}" if e.subject_type else ""
        table.add_row(e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, subject,
                      orjson.dumps(e.detail).decode()[:120])
    console.print(table)
