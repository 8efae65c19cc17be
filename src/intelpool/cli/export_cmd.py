"""The export command: what you may see, in a partner format, with its markings."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from intelpool.cli import common
from intelpool.cli.common import AsOption, DbOption, acting_as, parse_date, transaction


def register(app: typer.Typer) -> None:
    app.command("export")(export_cmd)


def export_cmd(
    as_: AsOption,
    format: Annotated[str, typer.Option(help="stix, misp, csv or blocklist.")],
    type: Annotated[str | None, typer.Option(help="Only this observable type "
                                                  "(required for blocklist).")] = None,
    theme: Annotated[list[str] | None, typer.Option(help="Only contributions with this "
                                                         "theme; repeat.")] = None,
    since: Annotated[str | None, typer.Option(help="Only contributions received on or "
                                                   "after this date (UTC).")] = None,
    out: Annotated[Path | None, typer.Option(help="Write here instead of standard "
                                                  "output.")] = None,
    db: DbOption = None,
) -> None:
    """Export what you may see, computed for your organisation, markings included."""
    from intelpool.pool.export import ExportRequest, export

    request = ExportRequest(format=format, observable_type=type, themes=tuple(theme or []),
                            since=parse_date(since))
    with transaction(db) as conn:
        principal = acting_as(conn, as_)
        if out is None:
            count = export(conn, principal, request, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            # Write beside the target and rename, so a failed export leaves no partial file.
            fd, tmp = tempfile.mkstemp(dir=out.parent if out.parent.exists() else None,
                                       prefix=f".{out.name}.")
            try:
                with os.fdopen(fd, "wb") as fh:
                    count = export(conn, principal, request, fh)
                os.replace(tmp, out)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
    common.err_console.print(f"exported {count:,} observations as {format}", highlight=False)
