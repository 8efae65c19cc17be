"""Feeds pulled in: remote TAXII 2.1 collections and MISP feeds, and TAXII defaults."""

from __future__ import annotations

from typing import Annotated

import typer

from intelpool.cli import common
from intelpool.cli.common import (
    DbOption,
    JsonOption,
    OptionalAsOption,
    acting_as,
    open_engine,
    print_json,
    transaction,
)

feed_app = typer.Typer(help="Remote sources the pool pulls from (TAXII 2.1, MISP feeds).",
                       no_args_is_help=True)
taxii_app = typer.Typer(help="The TAXII 2.1 server's per-organisation settings.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(feed_app, name="feed")
    app.add_typer(taxii_app, name="taxii")


@feed_app.command("add")
def feed_add(
    name: Annotated[str, typer.Argument(help="A name for the source, unique in the pool.")],
    as_: Annotated[str, typer.Option("--as", help="E-mail of the user the pulled data is "
                                      "contributed as (its organisation's).")],
    tlp: Annotated[str, typer.Option(help="TLP of what is pulled (markings in the data can "
                                          "only tighten it).")],
    taxii: Annotated[str | None, typer.Option(help="URL of a TAXII 2.1 API root.")] = None,
    collection: Annotated[str | None, typer.Option(help="TAXII collection id.")] = None,
    misp_feed: Annotated[str | None, typer.Option(help="URL of a MISP feed (the directory "
                                                       "holding manifest.json).")] = None,
    user: Annotated[str | None, typer.Option(help="User name for the remote source "
                                                  "(Basic).")] = None,
    password: Annotated[str | None, typer.Option(help="Password for the remote "
                                                      "source.")] = None,
    token: Annotated[str | None, typer.Option(help="Bearer token for the remote "
                                                   "source.")] = None,
    audience: Annotated[list[str] | None, typer.Option(help="pool, org:NAME or group:NAME; "
                                                            "repeat.")] = None,
    theme: Annotated[list[str] | None, typer.Option(help="Crime theme; repeat.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Register a TAXII collection (--taxii URL --collection ID) or a MISP feed (--misp-feed
    URL) to pull from."""
    from intelpool.errors import InvalidInput
    from intelpool.pool import feeds

    if bool(taxii) == bool(misp_feed):
        raise InvalidInput("give one of --taxii URL or --misp-feed URL")
    if token and password:
        raise InvalidInput("give --password or --token, not both")
    with transaction(db) as conn:
        view = feeds.add_feed(
            conn, acting_as(conn, as_), name, kind="taxii" if taxii else "misp",
            url=str(taxii or misp_feed), collection=collection,
            username=user, secret=token or password, bearer=bool(token), tlp=tlp,
            audience=audience or [], themes=theme or [])
    if json:
        print_json(view)
    else:
        common.console.print(f"added feed {view.name} ({view.kind}) submitting as {view.user}",
                      highlight=False)


@feed_app.command("pull")
def feed_pull(
    name: Annotated[str | None, typer.Argument(help="Only this source.")] = None,
    as_: OptionalAsOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Fetch what is new from each source and contribute it; a failing source is reported
    and retried next time."""
    from intelpool.config import Settings
    from intelpool.pool import feeds

    engine = open_engine(db)
    try:
        with engine.begin() as conn:
            principal = acting_as(conn, as_)
        with common.err_console.status("pulling feeds", spinner="dots"):
            results = feeds.pull(engine, principal, name, Settings())
    finally:
        engine.dispose()
    if json:
        print_json(results)
    else:
        for r in results:
            if not r.ok:
                common.console.print(f"{r.name}: failed, retried next time: {r.error}",
                              style="red", highlight=False, markup=False)
            elif r.contribution_id is None:
                common.console.print(f"{r.name}: nothing new", highlight=False)
            else:
                common.console.print(f"{r.name}: {r.fetched:,} new, contribution "
                              f"{r.contribution_id} ({r.accepted:,} accepted, "
                              f"{r.rejected:,} rejected)", highlight=False)
    if any(not r.ok for r in results):
        raise typer.Exit(1)


@feed_app.command("list")
def feed_list(as_: OptionalAsOption = None, db: DbOption = None,
              json: JsonOption = False) -> None:
    """Each source with its last pull, counts and last error."""
    from rich.table import Table

    from intelpool.pool import feeds

    with transaction(db) as conn:
        items = feeds.list_feeds(conn, acting_as(conn, as_))
    if json:
        print_json(items)
        return
    table = Table("name", "kind", "source", "submits as", "last pull (UTC)", "last", "total",
                  "last error")
    for f in items:
        source = f.url + (f"\ncollection {f.collection}" if f.collection else "")
        table.add_row(f.name, f.kind, source, f.user,
                      f"{f.last_pull_at:%Y-%m-%d %H:%M}" if f.last_pull_at else "never",
                      str(f.last_count if f.last_count is not None else ""),
                      f"{f.total_count:,}", f.last_error or "")
    common.console.print(table)


@taxii_app.command("defaults")
def taxii_defaults(
    organisation: Annotated[str, typer.Argument(help="The organisation.")],
    tlp: Annotated[str, typer.Option(help="TLP of objects it adds over TAXII (their own "
                                          "markings can only tighten it).")],
    audience: Annotated[list[str] | None, typer.Option(help="pool, org:NAME or group:NAME; "
                                                            "repeat.")] = None,
    as_: OptionalAsOption = None,
    db: DbOption = None,
) -> None:
    """Set the handling of objects an organisation adds to its TAXII submit collection."""
    from intelpool.pool import taxii_submit

    with transaction(db) as conn:
        found = taxii_submit.set_defaults(conn, acting_as(conn, as_), organisation, tlp,
                                          audience or [])
    common.console.print(f"{found.organisation}: TAXII submissions are TLP:{found.tlp.upper()}, "
                  f"audience {', '.join(found.audience) or 'originator only'}",
                  highlight=False)
