"""The CSV rows of the hits, access requests, audit, operations, RFI and alert lists.

Handling comes from ``pool.reads.handling_of``, which leaves out every contribution the
viewer may not see: a hidden contribution's columns stay empty.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.audit.service import AuditEvent
from intelpool.matching.access_requests import AccessRequestView
from intelpool.matching.hits import HitView
from intelpool.operations.models import AlertView, OperationSummary, RfiView
from intelpool.pool import reads
from intelpool.web.listing import HANDLING_COLUMNS, handling_cells

HIT_HEADER = ["id", "kind", "selector", "my_contribution",
              *(f"my_{c}" for c in HANDLING_COLUMNS), "partner", "partner_visible",
              "partner_selector", "partner_contributions", "partner_handling_of",
              *(f"partner_{c}" for c in HANDLING_COLUMNS), "partner_themes", "first_at",
              "last_at"]
REQUEST_HEADER = ["id", "hit", "requester", "holder", "contribution", "h2",
                  *HANDLING_COLUMNS, "reason", "status", "note", "created_at", "decided_at"]
OPERATION_HEADER = ["id", "name", "lead", "status", "your_role", "your_state", "confidential",
                    "themes", "created_at"]
RFI_HEADER = ["id", "requester", "question", "tlp", "pap", "answer_tlp", "your_part", "status",
              "due_at", "meeting_at", "created_at"]
ALERT_HEADER = ["number", "kind", "match", "your_operation", "your_target", "other_lead",
                "contact", "your_outcome", "other_outcome", "created_at"]
AUDIT_HEADER = ["id", "at", "actor", "action", "subject_type", "subject_id", "tlp", "detail"]


def hit_rows(conn: Connection, principal: Principal, found: list[HitView]) -> list[list[Any]]:
    """The viewer's own contribution's handling, and the partner's where the viewer may see
    it (the first of the partner's contributions the viewer sees)."""
    handling = reads.handling_of(conn, principal, [
        *(h.contribution_id for h in found),
        *(h.partner_contributions[0] for h in found if h.partner_contributions)])
    rows = []
    for h in found:
        theirs = h.partner_contributions[0] if h.partner_contributions else None
        rows.append([
            h.id, h.kind, h.selector, h.contribution_id,
            *handling_cells(handling.get(h.contribution_id)), h.partner,
            "yes" if h.partner_visible else "no", h.partner_selector or "",
            " ".join(map(str, h.partner_contributions)), theirs or "",
            *handling_cells(handling.get(theirs) if theirs else None),
            " ".join(h.partner_themes), h.first_at.isoformat(), h.last_at.isoformat()])
    return rows


def request_rows(conn: Connection, principal: Principal,
                 found: list[AccessRequestView]) -> list[list[Any]]:
    """The requested contribution's handling as the viewer may see it: the holder always,
    the requester once granted (or otherwise entitled); the H2 mark as the page shows it."""
    handling = reads.handling_of(conn, principal, [r.contribution_id for r in found])
    return [[r.id, r.hit_id or "", r.requester, r.holder, r.contribution_id,
             "yes" if r.h2 else "no", *handling_cells(handling.get(r.contribution_id)),
             r.reason, r.status, r.note or "", r.created_at.isoformat(),
             r.decided_at.isoformat() if r.decided_at else ""] for r in found]


def audit_rows(found: list[AuditEvent]) -> list[list[Any]]:
    return [[e.id, e.at.isoformat(), e.actor, e.action, e.subject_type or "",
             e.subject_id or "", e.tlp or "", orjson.dumps(e.detail).decode()] for e in found]


def operation_rows(found: list[OperationSummary]) -> list[list[Any]]:
    return [[o.id, o.name, o.lead, o.status, o.your_role, o.your_state,
             "yes" if o.confidential else "no", " ".join(o.themes), o.created_at.isoformat()]
            for o in found]


def rfi_rows(found: list[RfiView]) -> list[list[Any]]:
    """An RFI carries its own handling (TLP and PAP of the question, the strictest TLP the
    requester accepts for answers), not a contribution's."""
    return [[r.id, r.requester, r.question, r.tlp, r.pap, r.answer_tlp or "", r.your_part,
             r.status, _at(r.due_at), _at(r.meeting_at), r.created_at.isoformat()]
            for r in found]


def alert_rows(found: list[AlertView]) -> list[list[Any]]:
    return [[a.number, a.kind, a.match, a.your_operation, a.your_target, a.other_lead,
             a.contact or "", a.your_outcome or "", a.other_outcome or "",
             a.created_at.isoformat()] for a in found]


def _at(value: datetime | None) -> str:
    return value.isoformat() if value else ""
