"""Analysis commands: the link graph, resolved entities, proposed networks and targets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from intelpool.cli import common
from intelpool.cli.common import (
    AsOption,
    DbOption,
    JsonOption,
    acting_as,
    print_json,
    transaction,
)


def register(app: typer.Typer) -> None:
    app.command("graph")(graph_cmd)
    app.command("entities")(entities_cmd)
    app.command("networks")(networks_cmd)
    app.command("targets")(targets_cmd)


def _run(db: str | None, as_: str, call: Callable[[Any, Any], dict[str, Any]], json: bool,
         empty: dict[str, Any]) -> dict[str, Any]:
    """Run ``call`` in one transaction; a refusal keeps what was computed (the cache) and
    ends in one line, or in JSON in an empty result with a ``message``."""
    from intelpool.errors import IntelpoolError, InvalidInput, NotFound

    failure: IntelpoolError | None = None
    with transaction(db) as conn:
        principal = acting_as(conn, as_)
        try:
            result = call(conn, principal)
        except (NotFound, InvalidInput) as exc:
            failure = exc
    if failure is not None:
        if json:
            print_json({**empty, "message": str(failure)})
            raise typer.Exit(1)
        raise failure
    return result


def graph_cmd(
    items: Annotated[list[str] | None, typer.Argument(
        help="A selector (defanged is fine), or 'path A B' for the shortest evidence paths "
             "between two selectors or entities (write an entity as entity:NAME).",
        show_default=False)] = None,
    as_: AsOption = "",
    entity: Annotated[str | None, typer.Option(help="Start from this entity instead.")] = None,
    type: Annotated[str | None, typer.Option(help="Observable type of VALUE.")] = None,
    depth: Annotated[int, typer.Option(help="How many links out: 1, 2 or 3.")] = 1,
    limit: Annotated[int, typer.Option(help="At most this many nodes.")] = 200,
    max_hops: Annotated[int, typer.Option(help="Longest path for 'graph path'.")] = 4,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """The link graph around a selector or entity, each edge with its evidence."""
    from intelpool.analysis import service
    from intelpool.errors import InvalidInput

    words = items or []
    if words[:1] == ["path"]:
        if len(words) != 3:
            raise InvalidInput("usage: intelpool graph path A B --as EMAIL")
        result = _run(db, as_, lambda c, p: service.path(c, p, words[1], words[2],
                                                         max_hops=max_hops),
                      json, {"paths": [], "nodes": [], "edges": []})
    else:
        if len(words) > 1:
            raise InvalidInput("name one selector (or use 'graph path A B')")
        result = _run(db, as_, lambda c, p: service.graph(
            c, p, words[0] if words else None, type_hint=type, entity=entity, depth=depth,
            limit=limit), json, {"nodes": [], "edges": []})
    if json:
        print_json(result)
        if result.get("message"):
            raise typer.Exit(1)
        return
    if result.get("message"):
        from intelpool.errors import NotFound

        raise NotFound(result["message"])
    _print_graph(result)


def _label(node: dict[str, Any]) -> str:
    if node["kind"] == "selector":
        return f"{node['type']}:{node['value']}"
    if node["kind"] == "entity":
        return f"{node['entity_kind']} {node['name']}"
    return f"contribution {node['contribution']} ({node['originator']})"


def _print_graph(result: dict[str, Any]) -> None:
    from rich.table import Table

    names = {n["id"]: _label(n) + (" [hub: cut]" if n.get("hub") else "")
             for n in result["nodes"]}
    for i, p in enumerate(result.get("paths", []), 1):
        common.console.print(f"path {i}: " + " -> ".join(names[v] for v in p))
    table = Table("from", "link", "to", "evidence")
    for e in result["edges"]:
        evidence = "; ".join(f"#{x['contribution']} {x['originator']}" if "contribution" in x
                             else f"derived ({x['derived']})" for x in e["evidence"])
        table.add_row(names[e["source"]], f"{e['type']}: {e['label']}", names[e["target"]],
                      evidence)
    common.console.print(table if result["edges"] else "no links")
    if result.get("truncated"):
        common.console.print("more nodes than --limit: the view is cut there")


def entities_cmd(
    as_: AsOption,
    kind: Annotated[str | None, typer.Option(help="Only this kind (threat-actor, malware, "
                                                  "...).")] = None,
    search: Annotated[str | None, typer.Option(help="Only clusters with a name like "
                                                    "this.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Resolved entities: the names partners write differently for one thing, as one."""
    from rich.table import Table

    from intelpool.analysis import service

    result = _run(db, as_, lambda c, p: service.entities(c, p, kind=kind, search=search),
                  json, {"entities": []})
    if json:
        print_json(result)
        return
    table = Table("kind", "name", "also written", "contributions", "partners")
    for e in result["entities"]:
        table.add_row(e["kind"], e["name"], ", ".join(n for n in e["names"] if n != e["name"]),
                      ", ".join(map(str, e["contributions"])), ", ".join(e["partners"]))
    common.console.print(table if result["entities"] else "no entities")


def networks_cmd(
    as_: AsOption,
    theme: Annotated[str | None, typer.Option(help="Only networks of this theme.")] = None,
    min_size: Annotated[int, typer.Option(help="Only networks of at least this many "
                                                "selectors.")] = 3,
    limit: Annotated[int, typer.Option(help="How many networks to show (largest first).")] = 50,
    offset: Annotated[int, typer.Option(help="How many networks to skip: the previous "
                                              "page's next_offset.")] = 0,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Proposed criminal networks, from the data you may see, a page at a time."""
    from intelpool.analysis import service

    result = _run(db, as_, lambda c, p: service.networks(c, p, theme=theme, min_size=min_size,
                                                         limit=limit, offset=offset),
                  json, {"networks": []})
    if json:
        print_json(result)
        return
    for n in result["networks"]:
        names = ", ".join(e["name"] for e in n["entities"][:4])
        common.console.print(f"[bold]{n['id']}[/bold] {n['size']} selectors"
                      f"{f' ({names})' if names else ''}; themes {', '.join(n['themes'])}; "
                      f"partners {', '.join(n['partners'])}; cohesion {n['cohesion']}; "
                      f"{n['first_seen']} to {n['last_seen']}", highlight=False)
        for sentence in n["why"]:
            common.console.print(f"  {sentence}", highlight=False)
    if not result["networks"]:
        common.console.print("no networks in the data you may see")
    elif "next_offset" in result:
        common.console.print(f"{result['total']} networks in all; the next page: --offset "
                             f"{result['next_offset']}", highlight=False)
    for hub in result["hubs_cut"]:
        name = hub.get("name") or f"{hub['type']}:{hub['value']}"
        common.console.print(f"hub cut: {name} links {hub['links']} others", highlight=False)


def targets_cmd(
    as_: AsOption,
    network: Annotated[str | None, typer.Option(help="Only this network's targets.")] = None,
    top: Annotated[int, typer.Option(help="How many targets per network.")] = 5,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Ranked targets per network, each with the reasons."""
    from rich.table import Table

    from intelpool.analysis import service

    result = _run(db, as_, lambda c, p: service.targets(c, p, network_id=network, top=top),
                  json, {"targets": []})
    if json:
        print_json(result)
        return
    table = Table("network", "rank", "target", "role", "score", "why")
    for t in result["targets"]:
        what = t["name"] if t["kind"] == "entity" else f"{t['type']}:{t['value']}"
        role = t.get("entity_kind") or t.get("role") or ""
        table.add_row(t["network"], str(t["rank"]), what, role, f"{t['score']:.3f}",
                      "; ".join(t["why"]))
    common.console.print(table if result["targets"] else "no targets in the data you may see")
