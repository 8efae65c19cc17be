"""A small taskforce around one operation: every relationship a viewer can have to it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.operations import links, service
from tests import factories as f

OP_SELECTORS = ["c2.op-matrix.net", "45.80.20.40", "hit.op-matrix.net"]
VIEWERS = ("lead", "participant", "observer", "invited", "removed", "stranger", "host admin")


def member(conn: Connection, name: str, kind: str, country: str, role: str = "analyst"
           ) -> Principal:
    f.org(conn, name, kind, country)
    return f.user(conn, name, role)


def build(conn: Connection, tmp_path: Path, *, own_hit: bool = False
          ) -> tuple[dict[str, Principal], int, int]:
    """The viewers, the operation and the participant's contribution shared in it (TLP:AMBER
    to nobody else). With ``own_hit`` every other viewer holds hit.op-matrix.net itself,
    originator-only, so each has a hit against the shared contribution."""
    who = {
        "lead": member(conn, "Lead Police", "law-enforcement", "DE"),
        "participant": member(conn, "Partner Police", "law-enforcement", "FR"),
        "observer": member(conn, "Watching Bank", "private", "NL"),
        "invited": member(conn, "Invited CERT", "cert", "BE"),
        "removed": member(conn, "Removed Police", "law-enforcement", "ES"),
        "stranger": member(conn, "Stranger Police", "law-enforcement", "IT"),
        "host admin": member(conn, "Host Centre", "host", "NL", role="admin"),
    }
    op = service.create(conn, who["lead"], "Operation Matrix", themes=["botnet"])
    for name, role in (("Partner Police", "participant"), ("Watching Bank", "observer"),
                       ("Invited CERT", "participant"), ("Removed Police", "participant")):
        service.invite(conn, who["lead"], op, name, role)
    for viewer in ("participant", "observer", "removed"):
        service.join(conn, who[viewer], op)
    if own_hit:
        for viewer in VIEWERS:
            if viewer != "participant":
                f.submit_lines(conn, who[viewer], tmp_path, ["hit.op-matrix.net"],
                               tlp="amber")
    shared = f.submit_lines(conn, who["participant"], tmp_path, OP_SELECTORS, tlp="amber",
                            codes=["H1"]).contribution_id
    links.attach(conn, who["participant"], op, shared)
    service.remove(conn, who["lead"], op, "Removed Police")
    return who, op, shared
