"""Analysis: the link graph, resolved entities, proposed networks and ranked targets.

Each answers the JSON `intelpool graph|entities|networks|targets --json` prints, computed
over what the caller's organisation may see (needs analysis:run)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict

from intelpool.analysis import service
from intelpool.api.deps import Analyst, Conn
from intelpool.errors import InvalidInput

router = APIRouter(tags=["analysis"])

Item = dict[str, Any]  # a node, edge, member or hub: its keys depend on its kind


class _Open(BaseModel):
    # The fields every item has are typed; kind-specific ones (a selector's type and value,
    # an entity's names, a hub flag) pass through as the CLI prints them.
    model_config = ConfigDict(extra="allow")


class Network(_Open):
    id: str
    size: int
    members: list[Item]
    entities: list[Item]
    themes: list[str]
    partners: list[str]
    contributions: list[int]
    cohesion: float
    why: list[str]


class Networks(BaseModel):
    networks: list[Network]
    total: int  # networks matching the filters; a page holds ``limit`` of them
    next_offset: int | None = None  # where the next page starts, when there is one
    hubs_cut: list[Item]
    warninglisted: int


class Target(_Open):
    rank: int
    network: str
    kind: str  # selector or entity
    score: float
    why: list[str]


class Targets(BaseModel):
    targets: list[Target]


class Entity(_Open):
    kind: str
    name: str
    names: list[str]
    contributions: list[int]
    partners: list[str]


class Entities(BaseModel):
    entities: list[Entity]


class Graph(BaseModel):
    nodes: list[Item]
    edges: list[Item]  # each with its evidence: the contributions (or derivation) behind it
    center: str
    depth: int
    truncated: bool


class Paths(BaseModel):
    paths: list[list[int]]  # node ids, start to end
    nodes: list[Item]
    edges: list[Item]
    message: str | None = None  # why there is no path


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
          ) -> Graph:
    """The link graph around a selector or an entity, each edge with its evidence."""
    if (value is None) == (entity is None):
        raise InvalidInput("name either a value or an entity")
    return Graph.model_validate(service.graph(conn, caller, value, type_hint=type,
                                              entity=entity, depth=depth, limit=limit))


@router.get("/graph/path")
def graph_path(conn: Conn, caller: Analyst,
               a: Annotated[str, Query(min_length=1, max_length=1000, description=(
                   "A selector, or an entity as entity:NAME."))],
               b: Annotated[str, Query(min_length=1, max_length=1000, description=(
                   "A selector, or an entity as entity:NAME."))],
               max_hops: Annotated[int, Query(ge=1, le=8, description="Longest path.")] = 4,
               ) -> Paths:
    """The shortest evidence paths between two selectors or entities; none found gives
    empty paths and a `message`."""
    return Paths.model_validate(service.path(conn, caller, a, b, max_hops=max_hops))


@router.get("/entities")
def entities(conn: Conn, caller: Analyst,
             kind: Annotated[str | None, Query(max_length=64, description=(
                 "Only this kind (threat-actor, malware, ...)."))] = None,
             search: Annotated[str | None, Query(max_length=1000, description=(
                 "Only clusters with a name like this."))] = None) -> Entities:
    """Resolved entities: the names partners write differently for one thing, as one."""
    return Entities.model_validate(service.entities(conn, caller, kind=kind, search=search))


@router.get("/networks")
def networks(conn: Conn, caller: Analyst,
             theme: Annotated[str | None, Query(max_length=64, description=(
                 "Only networks of this theme."))] = None,
             min_size: Annotated[int, Query(ge=1, le=1_000_000, description=(
                 "Only networks of at least this many selectors."))] = 3,
             limit: Annotated[int, Query(ge=1, le=1000, description=(
                 "How many networks per page."))] = 100,
             offset: Annotated[int, Query(ge=0, le=2**31, description=(
                 "How many networks to skip (the previous page's next_offset)."))] = 0,
             ) -> Networks:
    """Proposed criminal networks, from the data you may see, largest first, a page at a
    time."""
    return Networks.model_validate(service.networks(conn, caller, theme=theme,
                                                    min_size=min_size, limit=limit,
                                                    offset=offset))


@router.get("/networks/{network_id}")
def network(conn: Conn, caller: Analyst,
            network_id: Annotated[str, Path(max_length=200)]) -> Network:
    """One proposed network: members with type, value and role, entities, themes,
    partners."""
    return Network.model_validate(service.network(conn, caller, network_id))


@router.get("/targets")
def targets(conn: Conn, caller: Analyst,
            network: Annotated[str | None, Query(max_length=200, description=(
                "Only this network's targets."))] = None,
            top: Annotated[int, Query(ge=1, le=1000, description=(
                "How many targets per network."))] = 5) -> Targets:
    """Ranked targets per network, each with the reasons."""
    return Targets.model_validate(service.targets(conn, caller, network_id=network, top=top))
