"""TAXII 2.1 under /taxii2/: discovery, one API root, the caller's collections, objects,
manifests, versions, and envelopes added to its organisation's submit collection."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy import Engine

from intelpool.access import Principal
from intelpool.api.deps import AppEngine, AppSettings, Conn, Reader, Submitter
from intelpool.api.guard import public
from intelpool.api.taxii_media import TAXII, TaxiiResponse, accepts_taxii, sends_taxii
from intelpool.config import Settings
from intelpool.errors import Forbidden, InvalidInput, NotFound
from intelpool.formats.stix.upgrade import stix_time
from intelpool.jobs import service as jobs
from intelpool.pool import taxii_collections, taxii_objects, taxii_submit
from intelpool.pool.taxii_objects import Filters, Position

ROOT = "api"
MAX_PAGE = 1000
# TAXII is specified by OASIS, not by this server's OpenAPI, so it stays out of the latter.
router = APIRouter(tags=["TAXII 2.1"], default_response_class=TaxiiResponse,
                   dependencies=[Depends(accepts_taxii)], include_in_schema=False)


class Discovery(BaseModel):
    title: str
    description: str
    default: str
    api_roots: list[str]


class ApiRoot(BaseModel):
    title: str
    description: str
    versions: list[str]
    max_content_length: int


class CollectionInfo(BaseModel):
    id: str
    title: str
    description: str
    can_read: bool
    can_write: bool
    media_types: list[str]


class Collections(BaseModel):
    collections: list[CollectionInfo] = []


class Status(BaseModel):
    id: str
    status: str
    request_timestamp: str
    total_count: int
    success_count: int
    failure_count: int
    pending_count: int
    successes: list[dict[str, Any]]
    failures: list[dict[str, Any]]


@router.get("/", dependencies=[public()])
def discovery(request: Request) -> Discovery:
    root = str(request.url_for("api_root", root=ROOT))
    return Discovery(title="intelpool", description="The intelpool TAXII 2.1 server: "
                     "collections computed for your organisation.", default=root,
                     api_roots=[root])


@router.get("/{root}/", name="api_root")
def api_root(caller: Reader, settings: AppSettings, root: str) -> ApiRoot:
    _root(root)
    return ApiRoot(title="intelpool", description="The pool, as your organisation may see it.",
                   versions=[TAXII], max_content_length=settings.api_max_upload_bytes)


@router.get("/{root}/collections/")
def list_collections(conn: Conn, caller: Reader, root: str) -> Collections:
    _root(root)
    return Collections(collections=[_info(c) for c in
                                    taxii_collections.collections(conn, caller)])


@router.get("/{root}/collections/{collection_id}/")
def get_collection(conn: Conn, caller: Reader, root: str, collection_id: str) -> CollectionInfo:
    _root(root)
    return _info(taxii_collections.collection(conn, caller, collection_id))


def _filters(
    added_after: Annotated[datetime | None, Query()] = None,
    match_id: Annotated[str | None, Query(alias="match[id]")] = None,
    match_type: Annotated[str | None, Query(alias="match[type]")] = None,
    match_version: Annotated[str | None, Query(alias="match[version]")] = None,
    match_spec_version: Annotated[str | None, Query(alias="match[spec_version]")] = None,
) -> Filters:
    def split(text: str | None) -> frozenset[str]:
        return frozenset(p.strip() for p in (text or "").split(",") if p.strip())

    return Filters(added_after=added_after, ids=split(match_id), types=split(match_type),
                   versions=split(match_version), spec_versions=split(match_spec_version))


Paging = Annotated[Filters, Depends(_filters)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]


@router.get("/{root}/collections/{collection_id}/objects/")
def get_objects(conn: Conn, caller: Reader, root: str, collection_id: str, filters: Paging,
                limit: Limit = MAX_PAGE, next: str | None = None) -> TaxiiResponse:
    found = _page(conn, caller, root, collection_id, filters, limit, next)
    return _envelope(found)


@router.get("/{root}/collections/{collection_id}/manifest/")
def get_manifest(conn: Conn, caller: Reader, root: str, collection_id: str, filters: Paging,
                 limit: Limit = MAX_PAGE, next: str | None = None) -> TaxiiResponse:
    found = _page(conn, caller, root, collection_id, filters, limit, next, listed=True)
    body: dict[str, Any] = {"more": found.more, "objects": [
        {"id": i.body["id"], "date_added": stix_time(i.date_added), "version": i.version,
         "media_type": "application/stix+json;version=2.1"} for i in found.items]}
    return _dated(_next(body, found), found.items)


@router.get("/{root}/collections/{collection_id}/objects/{object_id}/")
def get_object(conn: Conn, caller: Reader, root: str, collection_id: str, object_id: str,
               filters: Paging, limit: Limit = MAX_PAGE,
               next: str | None = None) -> TaxiiResponse:
    only = Filters(filters.added_after, frozenset({object_id}), filters.types,
                   filters.versions, filters.spec_versions)
    found = _page(conn, caller, root, collection_id, only, limit, next)
    if not found.items and next is None:
        raise NotFound(f"no object {object_id} in collection {collection_id}")
    return _envelope(found)


@router.get("/{root}/collections/{collection_id}/objects/{object_id}/versions/")
def get_versions(conn: Conn, caller: Reader, root: str, collection_id: str,
                 object_id: str, limit: Limit = MAX_PAGE,
                 next: str | None = None) -> TaxiiResponse:
    found = _page(conn, caller, root, collection_id, Filters(ids=frozenset({object_id})),
                  limit, next, listed=True)
    if not found.items and next is None:
        raise NotFound(f"no object {object_id} in collection {collection_id}")
    body: dict[str, Any] = {"more": found.more,
                            "versions": sorted({i.version for i in found.items})}
    return _dated(_next(body, found), found.items)


@router.post("/{root}/collections/{collection_id}/objects/", status_code=202,
             dependencies=[Depends(sends_taxii)])
async def add_objects(request: Request, engine: AppEngine, caller: Submitter,
                      settings: AppSettings, root: str, collection_id: str) -> Status:
    """Queue the envelope's import; the status answers pending and is polled to its end."""
    _root(root)
    try:
        envelope = orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"the envelope is not JSON: {exc}") from None
    return _status(await run_in_threadpool(_add, engine, caller, settings, collection_id,
                                           envelope))


def _add(engine: Engine, caller: Principal, settings: Settings, collection_id: str,
         envelope: Any) -> taxii_submit.StatusView:
    with engine.begin() as conn:
        coll = taxii_collections.collection(conn, caller, collection_id)
        status = taxii_submit.add_objects(conn, caller, coll, envelope, settings)
    if status.status == "pending":  # committed: the embedded pool's runner may take it
        jobs.start_runner(engine.url.render_as_string(hide_password=False), engine)
    return status


@router.get("/{root}/status/{status_id}/")
def get_status(conn: Conn, caller: Reader, root: str, status_id: str) -> Status:
    _root(root)
    return _status(taxii_submit.status(conn, caller, status_id))


def _root(root: str) -> None:
    if root != ROOT:
        raise NotFound(f"no API root {root!r}")


def _info(c: taxii_collections.Collection) -> CollectionInfo:
    return CollectionInfo(id=c.id, title=c.title, description=c.description,
                          can_read=c.can_read, can_write=c.can_write,
                          media_types=["application/stix+json;version=2.1"])


def _page(conn: Conn, caller: Any, root: str, collection_id: str, filters: Filters,
          limit: int, next: str | None, *, listed: bool = False) -> taxii_objects.Page:
    """A page of objects; ``listed`` (manifests, versions) lists them without the marking
    definitions that travel with objects."""
    _root(root)
    coll = taxii_collections.collection(conn, caller, collection_id)
    if not coll.can_read:
        raise Forbidden(f"collection {collection_id} can only be written to")
    after = Position.parse(next) if next else None
    return taxii_objects.page(conn, caller, coll, after=after, limit=limit, filters=filters,
                              definitions_too=not listed)


def _envelope(found: taxii_objects.Page) -> TaxiiResponse:
    """The page's objects after the marking definitions they reference."""
    body: dict[str, Any] = {"more": found.more, "objects": [
        *found.definitions, *(i.body for i in found.items)]}
    return _dated(_next(body, found), found.items)


def _next(body: dict[str, Any], found: taxii_objects.Page) -> dict[str, Any]:
    if found.more and found.items:
        body["next"] = found.items[-1].position.text()
    return body


def _dated(body: dict[str, Any], items: list[taxii_objects.TaxiiObject]) -> TaxiiResponse:
    headers = {}
    if items:
        headers = {"X-TAXII-Date-Added-First": stix_time(items[0].date_added, micro=True),
                   "X-TAXII-Date-Added-Last": stix_time(items[-1].date_added, micro=True)}
    return TaxiiResponse(body, headers=headers)


def _status(s: taxii_submit.StatusView) -> Status:
    return Status(id=s.id, status=s.status, request_timestamp=stix_time(s.request_timestamp,
                                                                        micro=True),
                  total_count=s.total_count, success_count=s.success_count,
                  failure_count=s.failure_count, pending_count=s.pending_count,
                  successes=s.successes, failures=s.failures)
