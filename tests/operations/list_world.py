"""The operations world with more operations and requests for information than one page:
names, leads, statuses, due dates and parts differ, so every sort key orders them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Connection, update

from intelpool.access import Principal
from intelpool.db.tables import rfis
from intelpool.db.types import utcnow
from intelpool.operations import links, rfi, service
from tests import factories as f
from tests.operations import world
from tests.operations.world import member

LEAD_OPS = 12  # the lead's own, beside Operation Matrix
STATUSES = ("planned", "active", "action-day", "closed")


@dataclass(frozen=True)
class ListWorld:
    who: dict[str, Principal]
    matrix: int  # the invited organisation's invitation; the removed one was in it
    lead_ops: int  # operations the lead organisation is in
    lead_rfis: int  # requests the lead asked or received
    expired: int  # a request past its due date


def build(conn: Connection, tmp_path: Path) -> ListWorld:
    who, matrix, _ = world.build(conn, tmp_path)
    lead, partner = who["lead"], who["participant"]
    for n in range(LEAD_OPS):
        op = service.create(conn, lead, f"op-{(n * 7) % LEAD_OPS:02d}", themes=["botnet"])
        if n % 3 == 0:
            service.invite(conn, lead, op, "Partner Police")
        service.set_status(conn, lead, op, STATUSES[n % len(STATUSES)])
    joined = service.create(conn, partner, "partner-run", confidential=True)
    service.invite(conn, partner, joined, "Lead Police")
    service.join(conn, lead, joined)
    now = utcnow()
    for n in range(9):
        due = None if n % 4 == 0 else now + timedelta(days=(n * 5) % 9 + 1)
        asker, to = (lead, "Partner Police") if n % 3 else (partner, "Lead Police")
        rfi.create(conn, asker, rfi.RfiRequest(
            to=[to], question=f"question {n}", due=due, tlp=("amber", "green", "red")[n % 3],
            pap=("green", "amber")[n % 2]))
    expired = rfi.create(conn, partner, rfi.RfiRequest(
        to=["Lead Police"], question="late", due=now + timedelta(days=1), tlp="amber"))
    conn.execute(update(rfis).where(rfis.c.id == expired).values(
        due_at=now - timedelta(days=1)))
    return ListWorld(who, matrix, LEAD_OPS + 2, 10, expired)


def alert_world(conn: Connection, tmp_path: Path) -> dict[str, Principal]:
    """Police DE overlaps a confidential FR operation, an open NL one and a bank's."""
    who = {"de": member(conn, "Police DE", "law-enforcement", "DE"),
           "fr": member(conn, "Police FR", "law-enforcement", "FR"),
           "nl": member(conn, "Police NL", "law-enforcement", "NL"),
           "bank": member(conn, "Bank NL", "private", "NL"),
           "stranger": member(conn, "Stranger Police", "law-enforcement", "IT")}
    targets = {"de": ["evil-c2.net", "45.80.20.0/24"],
               "fr": ["cdn.evil-c2.net", "45.80.20.41", "mule@evil-c2.net"],
               "nl": ["www.evil-c2.net", "45.80.20.42"], "bank": ["pay.evil-c2.net"]}
    for name, values in targets.items():
        f.submit_lines(conn, who[name], tmp_path, values, tlp="amber")
        op = service.create(conn, who[name], f"Operation {name}", confidential=name == "fr")
        links.link(conn, who[name], op, values, [])
    return who
