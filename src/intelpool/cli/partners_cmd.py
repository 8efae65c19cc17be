"""Commands for organisations, users, tokens and sharing groups."""

from __future__ import annotations

from typing import Annotated

import typer

from intelpool.cli import common
from intelpool.cli.common import (
    AsOption,
    DbOption,
    JsonOption,
    OptionalAsOption,
    acting_as,
    new_table,
    print_json,
    transaction,
)

org_app = typer.Typer(help="Partner organisations of the pool.", no_args_is_help=True)
user_app = typer.Typer(help="Users of partner organisations.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens (shown once, stored hashed).", no_args_is_help=True)
group_app = typer.Typer(help="Sharing groups: named sets of organisations, usable as audience.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(org_app, name="org")
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    app.add_typer(group_app, name="group")


@org_app.command("add")
def org_add(
    name: Annotated[str, typer.Argument(help="Organisation name, unique in the pool.")],
    kind: Annotated[str, typer.Option(help="host, law-enforcement, private, cert or other.")],
    country: Annotated[str | None, typer.Option(help="ISO 3166 two-letter country code.")] = None,
    as_: OptionalAsOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Add a partner organisation (host admins and the console operator)."""
    from intelpool.partners import service as partners

    with transaction(db) as conn:
        org = partners.add_organisation(conn, acting_as(conn, as_), name, kind, country)
    if json:
        print_json(org)
    else:
        common.console.print(f"added organisation {org.name} ({org.kind.value}) as id {org.id}")


@org_app.command("list")
def org_list(db: DbOption = None, json: JsonOption = False) -> None:
    """List the partner organisations."""
    from intelpool.partners import service as partners

    with transaction(db) as conn:
        orgs = partners.list_organisations(conn)
    if json:
        print_json(orgs)
        return
    table = new_table("id", "name", "kind", "country")
    for org in orgs:
        table.add_row(str(org.id), org.name, org.kind.value, org.country or "")
    common.console.print(table)


@org_app.command("set")
def org_set(
    name: Annotated[str, typer.Argument(help="Your organisation's name.")],
    as_: AsOption,
    statistics: Annotated[bool, typer.Option(
        "--statistics/--no-statistics",
        help="Whether your contributions count in partnership statistics.")] = True,
    db: DbOption = None,
) -> None:
    """Settings of your organisation (by its admin): --no-statistics withholds its
    contributions from partnership statistics."""
    from intelpool.partners import service as partners

    with transaction(db) as conn:
        partners.set_statistics_withheld(conn, acting_as(conn, as_), name, not statistics)
    counted = "count" if statistics else "do not count"
    common.console.print(f"{name}: contributions {counted} in partnership statistics",
                         highlight=False)


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="The user's e-mail address (the login).")],
    org: Annotated[str, typer.Option(help="Organisation the user belongs to.")],
    role: Annotated[str, typer.Option(help="admin, analyst, contributor or reader.")],
    as_: OptionalAsOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Add a user to an organisation (its admins, host admins, the console operator)."""
    from intelpool.partners import service as partners

    with transaction(db) as conn:
        user = partners.add_user(conn, acting_as(conn, as_), email, org, role)
    if json:
        print_json(user)
    else:
        common.console.print(f"added {user.email} to {user.organisation} as {user.role}")


@user_app.command("list")
def user_list(
    org: Annotated[str | None, typer.Option(help="Only this organisation's users.")] = None,
    as_: OptionalAsOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List users (an organisation admin sees its own organisation's)."""
    from intelpool.partners import service as partners

    with transaction(db) as conn:
        users = partners.list_users(conn, acting_as(conn, as_), org)
    if json:
        print_json(users)
        return
    table = new_table("id", "email", "organisation", "role")
    for u in users:
        table.add_row(str(u.id), u.email, u.organisation, u.role)
    common.console.print(table)


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Argument(help="User the token acts as.")],
    expires: Annotated[int | None, typer.Option(help="Days until it expires.")] = None,
    scope: Annotated[list[str] | None, typer.Option(
        help="read, submit or admin; repeat for several (default: read).")] = None,
    as_: OptionalAsOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Create an API token and print it once; only its hash is stored."""
    from intelpool.partners import identity

    with transaction(db) as conn:
        token = identity.create_token(conn, acting_as(conn, as_), email, expires_days=expires,
                                      scopes=scope or [])
    if json:
        print_json(token)
        return
    typer.echo(token.secret)
    expiry = token.expires_at.isoformat() if token.expires_at else "never"
    common.console.print(f"token {token.id} for {token.email}, scopes {' '.join(token.scopes)}, "
                  f"expires {expiry}; it is not shown again", style="dim", highlight=False)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="Token id, as printed when created.")],
    as_: OptionalAsOption = None,
    db: DbOption = None,
) -> None:
    """Revoke a token at once."""
    from intelpool.partners import identity

    with transaction(db) as conn:
        identity.revoke_token(conn, acting_as(conn, as_), token_id)
    common.console.print(f"revoked token {token_id}")


@group_app.command("add")
def group_add(
    name: Annotated[str, typer.Argument(help="Group name, unique in the pool.")],
    member: Annotated[list[str] | None, typer.Option(help="Member organisation; repeat.")] = None,
    as_: OptionalAsOption = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Create a sharing group (host admins and the console operator)."""
    from intelpool.partners import service as partners

    with transaction(db) as conn:
        group = partners.add_group(conn, acting_as(conn, as_), name, member or [])
    if json:
        print_json(group)
    else:
        common.console.print(f"added sharing group {group.name}: {', '.join(group.members) or '-'}")


@group_app.command("members")
def group_members(
    name: Annotated[str, typer.Argument(help="Group name.")],
    add: Annotated[list[str] | None, typer.Option(help="Organisation to add; repeat.")] = None,
    remove: Annotated[list[str] | None, typer.Option(help="Organisation to remove.")] = None,
    as_: OptionalAsOption = None,
    db: DbOption = None,
) -> None:
    """Change a sharing group's members."""
    from intelpool.partners import service as partners

    with transaction(db) as conn:
        group = partners.set_group_members(conn, acting_as(conn, as_), name, add or [],
                                           remove or [])
    common.console.print(f"{group.name}: {', '.join(group.members) or '-'}")


@group_app.command("list")
def group_list(db: DbOption = None, json: JsonOption = False) -> None:
    """List sharing groups and their members."""
    from intelpool.partners import service as partners

    with transaction(db) as conn:
        groups = partners.list_groups(conn)
    if json:
        print_json(groups)
        return
    table = new_table("id", "name", "members")
    for g in groups:
        table.add_row(str(g.id), g.name, ", ".join(g.members))
    common.console.print(table)


@user_app.command("passwd")
def user_passwd(
    email: Annotated[str, typer.Argument(help="The user whose password to set.")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input (first line) "
                                 "instead of prompting.")] = False,
    as_: OptionalAsOption = None,
    db: DbOption = None,
) -> None:
    """Set a user's password for the web interface (stored as an argon2id hash)."""
    import sys

    from intelpool.partners import sign_in

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
    with transaction(db) as conn:
        sign_in.set_password(conn, acting_as(conn, as_), email, password)
    common.console.print(f"password set for {email}; its open sessions were ended")
