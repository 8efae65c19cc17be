"""Objects added to an organisation's TAXII submit collection: one contribution through the
normal import path, under the organisation's TAXII defaults tightened by the bundle's own
markings, and a status resource saying what was accepted and what was refused, and why.

The import is a background job (``jobs/``): the status is pending with its totals at once,
and complete with each object's success or failure when the job ends."""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, delete, insert, select, update

from intelpool.access import Permission, Principal, require
from intelpool.access.handling import HandlingRequest, decide_handling
from intelpool.audit import service as audit
from intelpool.config import Settings
from intelpool.db.tables import organisation_settings, organisations, taxii_statuses
from intelpool.db.types import utcnow
from intelpool.errors import Forbidden, InvalidInput, NotFound
from intelpool.formats.records import Rejection
from intelpool.partners.service import require_manages_users_of
from intelpool.pool import ingest
from intelpool.pool.submission import IngestSummary
from intelpool.pool.taxii_collections import Collection

DEFAULT_TLP = "amber"
_INDEX = re.compile(r"\$\.objects\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class TaxiiDefaults:
    organisation: str
    tlp: str
    audience: list[str]


@dataclass(slots=True)
class StatusView:
    id: str
    status: str
    request_timestamp: datetime
    total_count: int
    success_count: int
    failure_count: int
    pending_count: int
    successes: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    contribution_id: int | None = None


def set_defaults(conn: Connection, principal: Principal, org_name: str, tlp: str,
                 audience: list[str]) -> TaxiiDefaults:
    """The handling of objects an organisation adds over TAXII, before their own markings."""
    org_id = conn.execute(select(organisations.c.id).where(organisations.c.name == org_name)
                          ).scalar()
    if org_id is None:
        raise NotFound(f"no organisation named {org_name!r}")
    require_manages_users_of(principal, org_id)
    decided = decide_handling(HandlingRequest(tlp=tlp, audience=audience))
    conn.execute(delete(organisation_settings).where(
        organisation_settings.c.organisation_id == org_id))
    conn.execute(insert(organisation_settings).values(
        organisation_id=org_id, taxii_tlp=decided.tlp.value,
        taxii_audience=orjson.dumps(audience).decode()))
    audit.record(conn, principal, "organisation.taxii-defaults", subject_type="organisation",
                 subject_id=org_id, subject_organisation_id=org_id,
                 detail={"tlp": decided.tlp.value, "audience": audience})
    return TaxiiDefaults(org_name, decided.tlp.value, audience)


def defaults(conn: Connection, organisation_id: int) -> tuple[str, list[str]]:
    row = conn.execute(select(organisation_settings).where(
        organisation_settings.c.organisation_id == organisation_id)).mappings().first()
    if row is None:
        return DEFAULT_TLP, []
    return str(row["taxii_tlp"]), list(orjson.loads(row["taxii_audience"]))


def add_objects(conn: Connection, principal: Principal, coll: Collection,
                envelope: Any, settings: Settings) -> StatusView:
    """Queue the envelope's objects as a background job; the status is pending until it
    ends. A malformed envelope is refused at once and queues nothing."""
    require(principal, Permission.POOL_SUBMIT)
    if coll.kind != "submit" or coll.key != str(principal.organisation_id):
        raise Forbidden(f"collection {coll.id} is not writable: add objects to your "
                        "organisation's submit collection")
    objects = envelope.get("objects") if isinstance(envelope, dict) else None
    if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
        raise InvalidInput("a TAXII envelope needs 'objects': a list of STIX objects")
    assert principal.organisation_id is not None
    now = utcnow()
    status = StatusView(id=str(uuid.uuid4()), status="complete" if not objects else "pending",
                        request_timestamp=now, total_count=len(objects), success_count=0,
                        failure_count=0, pending_count=len(objects))
    job_id = None
    if objects:
        job_id = _queue(conn, principal, objects, status.id)
    else:
        status.pending_count = 0
    conn.execute(insert(taxii_statuses).values(
        id=status.id, organisation_id=principal.organisation_id, request_timestamp=now,
        status=status.status, contribution_id=None, total_count=status.total_count,
        success_count=0, failure_count=0, pending_count=status.pending_count,
        successes="[]", failures="[]", job_id=job_id))
    return status


def _queue(conn: Connection, principal: Principal, objects: list[dict[str, Any]],
           status_id: str) -> int:
    from intelpool.jobs import records, service

    assert principal.organisation_id is not None
    tlp, audience = defaults(conn, principal.organisation_id)
    fd, name = tempfile.mkstemp(prefix="intelpool-taxii-", suffix=".json")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(orjson.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}",
                                    "objects": objects}))
        submission = ingest.Submission(path=path, handling=HandlingRequest(
            tlp=tlp, audience=audience), format="stix", source_name="TAXII")
        job_id = records.create(conn, principal, submission, path, "taxii-envelope.json",
                                {"taxii_status": status_id, "objects": [
                                    [str(o.get("id")), _version(o)] for o in objects]},
                                kind="taxii")
    finally:
        path.unlink(missing_ok=True)
    service.hand_over(conn, job_id)
    return job_id


def run_job(conn: Connection, principal: Principal, job_id: int, path: Path,
            settings: Settings) -> IngestSummary | None:
    """Import a queued envelope (``path``, the bundle it became) and complete its status."""
    from intelpool.jobs import records

    row = records.row(conn, job_id)
    assert row is not None
    submission, _ = records.submission_of(row, path)
    objects = orjson.loads(path.read_bytes())["objects"]
    summary, refused = _import(conn, principal, objects, submission, settings)
    successes, failures = [], []
    for obj in objects:
        ident, version = str(obj.get("id")), _version(obj)
        reason = refused.get(ident) or refused.get("*")
        if reason:
            failures.append({"id": ident, "version": version, "message": reason})
        else:
            successes.append({"id": ident, "version": version})
    _complete(conn, job_id, successes, failures,
              summary.contribution_id if summary else None)
    return summary


def job_failed(conn: Connection, job_id: int, message: str) -> None:
    """The job ended without importing: every object of its envelope failed, saying why."""
    from intelpool.jobs import records

    row = records.row(conn, job_id)
    if row is None:
        return
    keys = orjson.loads(row["request"]).get("objects") or []
    _complete(conn, job_id, [], [{"id": ident, "version": version, "message": message}
                                 for ident, version in keys], None)


def _complete(conn: Connection, job_id: int, successes: list[dict[str, Any]],
              failures: list[dict[str, Any]], contribution_id: int | None) -> None:
    conn.execute(update(taxii_statuses).where(taxii_statuses.c.job_id == job_id).values(
        status="complete", contribution_id=contribution_id, pending_count=0,
        success_count=len(successes), failure_count=len(failures),
        successes=orjson.dumps(successes).decode(), failures=orjson.dumps(failures).decode()))


def _import(conn: Connection, principal: Principal, objects: list[dict[str, Any]],
            submission: ingest.Submission,
            settings: Settings) -> tuple[IngestSummary | None, dict[str, str]]:
    """Import the objects as one STIX bundle; refused objects by id ("*": all of them)."""
    refused: dict[str, str] = {}
    known = {str(o.get("id")) for o in objects}

    def rejected(rej: Rejection) -> None:
        # The importer locates a record by its object's id, or by its place: $.objects[N].
        ident = rej.location.split(" ")[0]
        found = _INDEX.match(rej.location)
        if found and int(found.group(1)) < len(objects):
            ident = str(objects[int(found.group(1))].get("id"))
        if ident in known:  # a bundle-level note refuses no object
            refused[ident] = f"{rej.reason}: {rej.value}" if rej.value else rej.reason

    try:
        with conn.begin_nested():
            summary = ingest.submit(conn, principal, submission,
                                    batch_size=settings.ingest_batch_size,
                                    on_rejection=rejected, settings=settings)
    except InvalidInput as exc:
        return None, {"*": str(exc)}
    return summary, refused


def status(conn: Connection, principal: Principal, status_id: str) -> StatusView:
    require(principal, Permission.POOL_READ)
    row = conn.execute(select(taxii_statuses).where(
        taxii_statuses.c.id == status_id,
        taxii_statuses.c.organisation_id == principal.organisation_id)).mappings().first()
    if row is None:
        raise NotFound(f"no status {status_id}")
    return StatusView(row["id"], row["status"], row["request_timestamp"], row["total_count"],
                      row["success_count"], row["failure_count"], row["pending_count"],
                      orjson.loads(row["successes"]), orjson.loads(row["failures"]),
                      row["contribution_id"])


def _version(obj: dict[str, Any]) -> str | None:
    value = obj.get("modified") or obj.get("created")
    return str(value) if value is not None else None
