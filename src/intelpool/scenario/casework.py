"""The taskforce at work: operations, requests for information and a consultation in
progress on a loaded scenario, with two operations of different leads on the same targets so
that deconfliction has something to say. Everything goes through the operations services,
as each partner's analyst.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, func, select

from intelpool.access import Principal
from intelpool.db.tables import contributions, deconfliction_alerts, observables, observations
from intelpool.db.types import utcnow
from intelpool.observables import InvalidObservable, parse_selector
from intelpool.operations import links, rfi, rfi_answers, service, work
from intelpool.partners.identity import principal_for_email
from intelpool.scenario.load import read_manifest
from intelpool.scenario.partners import FINANCE, HOST

POLICE = ("Police NL", "Police PL", "Police DE", "Police FR", "Police ES", "Police IT",
          "Police US", "Police UA")


@dataclass(slots=True)
class CaseworkSummary:
    operations: int = 0
    rfis: int = 0
    alerts: int = 0


def stage(engine: Engine, directory: Path) -> CaseworkSummary:
    manifest = read_manifest(directory)
    truth = orjson.loads((directory / "ground_truth.json").read_bytes())
    emails = {(u["organisation"], u["role"]): u["email"] for u in manifest["users"]}
    summary = CaseworkSummary()
    with engine.begin() as conn:
        def who(org: str) -> Principal:
            return principal_for_email(conn, emails[(org, "analyst")])

        lead, other, targets, shared = _choose(conn, who, truth)
        rest = [p for p in POLICE if p not in (lead, other)]
        nightjar = _nightjar(conn, who, lead, rest[:2], targets)
        _kestrel(conn, who(other), who(rest[2]), shared)
        _tern(conn, who)
        summary.operations = 3
        _requests(conn, who(lead), who, targets, nightjar)
        summary.rfis = 2
        summary.alerts = conn.execute(select(func.count()).select_from(deconfliction_alerts)
                                      ).scalar_one()
    return summary


Pairs = list[tuple[str, str]]


def _choose(conn: Connection, who: Any, truth: dict[str, Any]) -> tuple[str, str, Pairs, Pairs]:
    """Two police leads and a planted structure: the selectors the first holds (up to six),
    and those of them the second may see too, so their operations overlap."""
    for lead in POLICE:
        for structure in truth["structures"]:
            targets = _targets(conn, who(lead), lead, structure)
            if len(targets) < 2:
                continue
            for other in POLICE:
                if other == lead:
                    continue
                seen = links.visible_observables(conn, who(other), targets)
                shared = [p for p in targets if p in seen]
                if shared:
                    return lead, other, targets, shared
    return POLICE[0], POLICE[1], [], []


def _targets(conn: Connection, lead: Principal, name: str, structure: dict[str, Any]) -> Pairs:
    """Up to six selectors of one planted structure the lead holds, key members first."""
    pairs = []
    for m in sorted(structure["members"], key=lambda m: not m["key"]):
        if name in m["seen_by"]:
            try:
                pair = parse_selector(m["value"], m["type"])
                if parse_selector(m["value"]) == pair:  # typed the same when given bare
                    pairs.append(pair)
            except InvalidObservable:
                continue
    visible = links.visible_observables(conn, lead, pairs)
    return [p for p in pairs if p in visible][:6]


def _nightjar(conn: Connection, who: Any, name: str, invited: list[str], targets: Pairs) -> int:
    lead, now = who(name), utcnow()
    op = service.create(conn, lead, "Operation Nightjar", themes=["botnet"],
                        description="Dismantling the botnet's command servers",
                        selectors=targets)
    for org, role in ((invited[0], "participant"), (HOST, "observer"),
                      (invited[1], "participant")):
        service.invite(conn, lead, op, org, role)
    service.join(conn, who(invited[0]), op)
    service.join(conn, who(HOST), op)
    shared = conn.execute(
        select(func.min(contributions.c.id))
        .join(observations, observations.c.contribution_id == contributions.c.id)
        .join(observables, observables.c.id == observations.c.observable_id)
        .where(contributions.c.originator_id == lead.organisation_id,
               observables.c.value == targets[0][1])).scalar() if targets else None
    if shared is not None:
        links.attach(conn, lead, op, shared)
    service.set_status(conn, lead, op, "active")
    work.add_task(conn, lead, op, "Identify the hosting provider of the C2 servers",
                  invited[0], now + timedelta(days=5))
    work.add_note(conn, who(invited[0]), op, "Hoster answered: servers paid in Monero")
    day = (now + timedelta(days=14)).replace(hour=6, minute=0, second=0, microsecond=0)
    if targets:
        work.add_action_day(conn, lead, op, day, _country(name), "takedown",
                            [targets[0][1]], "Seize and sinkhole the panel")
        work.add_action_day(conn, who(invited[0]), op, day, _country(invited[0]), "search",
                            [targets[-1][1]], "Search the operator's flat")
    work.set_embargo(conn, lead, op, day + timedelta(days=1))
    return op


def _country(name: str) -> str:
    return name.rpartition(" ")[2]


def _kestrel(conn: Connection, lead: Principal, partner: Principal, targets: Pairs) -> None:
    """A confidential operation of another lead on the same targets: deconfliction alerts."""
    op = service.create(conn, lead, "Operation Kestrel", themes=["botnet"], confidential=True,
                        description="Undercover purchase of botnet access",
                        selectors=targets[:3])
    service.invite(conn, lead, op, partner.organisation_name)
    service.join(conn, partner, op)
    if targets:
        day = (utcnow() + timedelta(days=17)).replace(hour=5, minute=0, second=0,
                                                      microsecond=0)
        work.add_action_day(conn, lead, op, day, _country(lead.organisation_name), "arrest",
                            [targets[0][1]])


def _tern(conn: Connection, who: Any) -> None:
    lead = who(HOST)
    op = service.create(conn, lead, "Operation Tern", themes=["online-fraud"],
                        description="Money mule network behind the invoice fraud wave")
    service.invite(conn, lead, op, "Bank Aurelia")
    service.invite(conn, lead, op, "Nordwind Bank", "observer")
    service.join(conn, who("Bank Aurelia"), op)
    work.add_task(conn, lead, op, "List the mule accounts seen since January", "Bank Aurelia",
                  utcnow() + timedelta(days=7))


def _requests(conn: Connection, lead: Principal, who: Any, targets: Pairs, op: int) -> None:
    asked = rfi.create(conn, lead, rfi.RfiRequest(
        to=["kind:private"], question="Do your customers pay the botnet's infrastructure?",
        items=["account holders", "transaction dates"],
        selectors=[v for _t, v in targets[:1]], operation_id=op,
        due=utcnow() + timedelta(days=10), tlp="amber", answer_tlp="amber"))
    rfi.respond(conn, who("Bank Aurelia"), asked, True)
    rfi_answers.answer(conn, who("Bank Aurelia"), asked, "Two accounts, both opened in March",
                       item=1)
    rfi.respond(conn, who("Banca Meridiana"), asked, False, "no customer relation found")
    rfi.create(conn, who(HOST), rfi.RfiRequest(
        to=[f"group:{FINANCE}", "kind:cert"], question="Quarterly consultation on phishing "
        "kits targeting online banking", meeting_at=utcnow() + timedelta(days=21),
        agenda="1. kits seen this quarter 2. takedown requests 3. feeds", tlp="green"))
