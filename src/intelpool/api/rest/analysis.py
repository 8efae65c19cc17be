"""Analysis: the link graph, resolved entities, proposed networks and ranked targets.

Each answers the JSON `intelpool graph|entities|networks|targets --json` prints, computed
over what the caller's organisation may see (needs analysis:run)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from intelpool.analysis import service
from intelpool.api.deps import Analyst, Conn
from intelpool.errors import InvalidInput

router = APIRouter(tags=["analysis"])

AnalysisResult = dict[str, Any]


@router.get("/graph")
def graph(conn: Conn, caller: Analyst,
          value: Annotated[str | None, Query(max_length=1000, description=(
              "Start from this selector (defanged is fine)."))] = None,
          entity: Annotated[str | None, Query(max_length=1000, description=(
              "Start from this entity instead."))] = None,
          type: Annotated[str | None, Query(max_length=64, description=(
              "Observable type of `value`."))] = None,
          depth: Annotated[int, Query(ge=1, le=3, description="How many links out.")] = 1,
          limit: Annotated[int, Query(ge=1, le=10_000, description="At most this many "
                                                                   "nodes.")] = 200,
          ) -> AnalysisResult:
    """The link graph around a selector or an entity, each edge with its evidence."""
    if (value is None) == (entity is None):
        raise InvalidInput("name either a value or an entity")
    return service.graph(conn, caller, value, type_hint=type, entity=entity, depth=depth,
                         limit=limit)


@router.get("/graph/path")
def graph_path(conn: Conn, caller: Analyst,
               a: Annotated[str, Query(min_length=1, max_length=1000, description=(
                   "A selector, or an entity as entity:NAME."))],
               b: Annotated[str, Query(min_length=1, max_length=1000, description=(
                   "A selector, or an entity as entity:NAME."))],
               max_hops: Annotated[int, Query(ge=1, le=8, description="Longest path.")] = 4,
               ) -> AnalysisResult:
    """The shortest evidence paths between two selectors or entities; none found gives
    empty paths and a `message`."""
    return service.path(conn, caller, a, b, max_hops=max_hops)


@router.get("/entities")
def entities(conn: Conn, caller: Analyst,
             kind: Annotated[str | None, Query(max_length=64, description=(
                 "Only this kind (threat-actor, malware, ...)."))] = None,
             search: Annotated[str | None, Query(max_length=1000, description=(
                 "Only clusters with a name like this."))] = None) -> AnalysisResult:
    """Resolved entities: the names partners write differently for one thing, as one."""
    return service.entities(conn, caller, kind=kind, search=search)


@router.get("/networks")
def networks(conn: Conn, caller: Analyst,
             theme: Annotated[str | None, Query(max_length=64, description=(
                 "Only networks of this theme."))] = None,
             min_size: Annotated[int, Query(ge=1, le=1_000_000, description=(
                 "Only networks of at least this many selectors."))] = 3) -> AnalysisResult:
    """Proposed criminal networks, from the data you may see, largest first."""
    return service.networks(conn, caller, theme=theme, min_size=min_size)


@router.get("/networks/{network_id}")
def network(conn: Conn, caller: Analyst,
            network_id: Annotated[str, Path(max_length=200)]) -> AnalysisResult:
    """One proposed network: members with type, value and role, entities, themes,
    partners."""
    return service.network(conn, caller, network_id)


@router.get("/targets")
def targets(conn: Conn, caller: Analyst,
            network: Annotated[str | None, Query(max_length=200, description=(
                "Only this network's targets."))] = None,
            top: Annotated[int, Query(ge=1, le=1000, description=(
                "How many targets per network."))] = 5) -> AnalysisResult:
    """Ranked targets per network, each with the reasons."""
    return service.targets(conn, caller, network_id=network, top=top)
