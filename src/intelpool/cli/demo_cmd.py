"""The demo: a fresh pool filled with the demo scenario, users to sign in as, and the web
interface and API served."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from intelpool.cli import common
from intelpool.cli.common import open_engine
from intelpool.cli.scenario_cmd import print_load_summary, run_generate, run_load
from intelpool.errors import IntelpoolError
from intelpool.scenario import DEFAULT_SEED

if TYPE_CHECKING:
    from sqlalchemy import Engine

DEMO_DIR = Path("intelpool-demo")
TOKEN_KINDS = ("host", "law-enforcement", "private", "cert")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Set up the pool and print the "
                                                              "tokens, but do not serve.")]
    = False,
    db: Annotated[str | None, typer.Option(
        "--db", help="Pool database URL. Default: ./intelpool-demo/pool.db. An embedded "
                     "(SQLite) file is deleted and recreated; a server database must be "
                     "empty.", show_default=False)] = None,
    port: Annotated[int, typer.Option(help="Port to serve on (127.0.0.1).")] = 8000,
    scale: Annotated[float, typer.Option(hidden=True)] = 1.0,
    directory: Annotated[Path, typer.Option("--dir", hidden=True)] = DEMO_DIR,
) -> None:
    """Build a demo pool (./intelpool-demo/pool.db) from a generated taskforce scenario, print
    a password and a read token for a host, police, bank and CERT user, and serve the web
    interface and the API."""
    from intelpool.config import normalise_database_url
    from intelpool.scenario.load import fallback_formats, read_manifest

    began = time.perf_counter()
    url = normalise_database_url(db) if db else f"sqlite:///{directory / 'pool.db'}"
    engine = _fresh_pool(url)
    formats, companion = fallback_formats()
    for kind, fmt in sorted(formats.items()):
        common.console.print(f"no importer for {kind} partners' own format here: they write {fmt}",
                      style="dim", highlight=False)
    scenario = directory / "scenario"
    generated = run_generate(scenario, scale=scale, seed=DEFAULT_SEED, formats=formats,
                             companion=companion, quiet=False)
    common.console.print(f"generated {generated.contributions:,} contributions "
                  f"({generated.selectors:,} selectors, {generated.structures} planted "
                  f"structures) in {generated.elapsed_seconds:.1f} s", highlight=False)
    from intelpool.scenario.casework import stage

    loaded = run_load(engine, scenario, quiet=False)
    print_load_summary(loaded)
    work = stage(engine, scenario)
    common.console.print(f"casework in progress: {work.operations} operations, {work.rfis} "
                         f"requests for information, {work.alerts} deconfliction alerts",
                         highlight=False)
    tokens = _tokens(engine, read_manifest(scenario))
    common.console.print(f"demo pool ready in {time.perf_counter() - began:.1f} s at "
                  f"{engine.url.render_as_string(hide_password=True)}", highlight=False)
    typer.echo(f"web interface: http://127.0.0.1:{port}/ — sign in as (shown once):")
    for kind, org, email, _secret, password in tokens:
        typer.echo(f"  {kind:<16} {org:<30} {email:<34} password {password}")
    common.console.print("read tokens for the API (shown once):")
    for kind, org, email, secret, _password in tokens:
        typer.echo(f"  {kind:<16} {org:<30} {email:<34} {secret}")
    base = f"http://127.0.0.1:{port}/api/v1"
    typer.echo(f"API: {base}/health")
    example = _shared_selector(scenario)
    if example:
        police = next(t for t in tokens if t[0] == "law-enforcement")
        typer.echo(f'try: curl -H "Authorization: Bearer {police[3]}" '
                   f"'{base}/search?value={example}'")
    police = next(t for t in tokens if t[0] == "law-enforcement")
    taxii = (f"from taxii2client.v21 import Server; "
             f"server = Server('http://127.0.0.1:{port}/taxii2/', user='{police[2]}', "
             f"password='{police[3]}'); "
             f"[print(c.title, len(c.get_objects(limit=10).get('objects', []))) "
             f"for c in server.api_roots[0].collections if c.can_read]")
    typer.echo(f'TAXII 2.1 (taxii2-client): .venv/bin/python -c "{taxii}"')
    typer.echo(f"API documentation: {base}/docs")
    if no_serve:
        engine.dispose()
        return
    import uvicorn

    from intelpool.api.app import create_app

    uvicorn.run(create_app(engine), host="127.0.0.1", port=port, log_level="info")


def _fresh_pool(url: str) -> Engine:
    """An empty pool at ``url`` at the newest schema; an embedded file is recreated."""
    from sqlalchemy import func, inspect, select
    from sqlalchemy.engine import make_url

    from intelpool.db.migrate import upgrade
    from intelpool.db.tables import organisations

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(str(parsed.database))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = open_engine(url, require_current=False)
    if inspect(engine).has_table("organisations"):
        with engine.connect() as conn:
            if conn.execute(select(func.count()).select_from(organisations)).scalar_one():
                engine.dispose()
                raise IntelpoolError("the demo needs an empty pool: this one has organisations "
                                     "(give --db an empty database)")
    upgrade(engine)
    return engine


def _tokens(engine: Engine, manifest: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """A generated password and a read token for the admin of the first partner of each
    kind (an admin reaches every page, administration and audit trail included)."""
    from intelpool.access import Principal
    from intelpool.partners import sign_in
    from intelpool.partners.identity import create_token

    out = []
    with engine.begin() as conn:
        for kind in TOKEN_KINDS:
            org = next(p for p in manifest["partners"] if p["kind"] == kind)
            email = next(u["email"] for u in manifest["users"]
                         if u["organisation"] == org["name"] and u["role"] == "admin")
            token = create_token(conn, Principal.operator(), email, expires_days=None,
                                 scopes=["read"])
            password = sign_in.generate_password()
            sign_in.set_password(conn, Principal.operator(), email, password)
            out.append((kind, org["name"], email, token.secret, password))
    return out


def _shared_selector(scenario: Path) -> str | None:
    """A key selector several partners hold, to show a first search."""
    import orjson

    from intelpool.observables import InvalidObservable, parse_selector

    truth = orjson.loads((scenario / "ground_truth.json").read_bytes())
    for structure in truth["structures"]:
        for member in structure["key_members"]:
            full = next(m for m in structure["members"] if m["value"] == member["value"])
            if len(full["seen_by"]) < 2 or member["type"] not in ("ipv4", "domain"):
                continue
            try:
                parse_selector(member["value"], member["type"])
            except InvalidObservable:
                continue
            return str(member["value"])
    return None
