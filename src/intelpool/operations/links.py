"""What an operation points at: linked selectors and entities (the register of standing
targets), and the contributions shared with its members."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, RowMapping, exists, func, insert, select, tuple_

from intelpool.access import Permission, Principal, require
from intelpool.access.visibility import visible_contribution
from intelpool.audit import notifications
from intelpool.config import Settings
from intelpool.db.tables import (
    contributions,
    entities,
    observables,
    observations,
    operation_contributions,
    operation_targets,
)
from intelpool.db.types import utcnow
from intelpool.errors import InvalidInput, NotFound
from intelpool.observables import InvalidObservable, parse_selector
from intelpool.operations import deconfliction, membership
from intelpool.operations.membership import WRITE


def expiry(start: datetime, months: int) -> datetime:
    return start + timedelta(days=round(months * 365.25 / 12))


def parse_values(values: list[str]) -> list[tuple[str, str]]:
    """Selectors as typed, canonical pairs; the first one that is not a selector is refused."""
    pairs = []
    for value in values:
        try:
            pairs.append(parse_selector(value))
        except InvalidObservable as exc:
            raise InvalidInput(f"{value!r} is not a selector: {exc}") from None
    return pairs


def link(conn: Connection, principal: Principal, operation_id: int, values: list[str],
         entity_names: list[str]) -> list[str]:
    row = membership.load(conn, principal, operation_id, WRITE)
    if not values and not entity_names:
        raise InvalidInput("name the selectors or entities to link")
    return link_pairs(conn, principal, row, parse_values(values), entity_names)


def visible_observables(conn: Connection, principal: Principal,
                        pairs: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Observable ids of the pairs the principal may see in at least one contribution;
    a pair missing here reads the same whether it is hidden or unknown."""
    found: dict[tuple[str, str], int] = {}
    seen = exists(select(1).select_from(observations.join(
        contributions, contributions.c.id == observations.c.contribution_id)).where(
        observations.c.observable_id == observables.c.id, visible_contribution(principal)))
    unique = sorted(set(pairs))
    for start in range(0, len(unique), 500):
        for r in conn.execute(select(observables.c.id, observables.c.type, observables.c.value)
                              .where(tuple_(observables.c.type, observables.c.value)
                                     .in_(unique[start:start + 500]), seen)):
            found[(r.type, r.value)] = r.id
    return found


def link_pairs(conn: Connection, principal: Principal, row: RowMapping,
               pairs: list[tuple[str, str]], entity_names: list[str]) -> list[str]:
    """Link selectors and entities the principal may see; all or none. Returns what was
    newly linked, then raises deconfliction alerts for it."""
    operation_id = row["id"]
    found = visible_observables(conn, principal, pairs)
    for kind, value in pairs:
        if (kind, value) not in found:
            raise NotFound(f"no selector {kind} {value} that you may see")
    names = []
    for name in entity_names:
        key = name.strip().lower()
        visible = conn.execute(select(entities.c.id).join(
            contributions, contributions.c.id == entities.c.contribution_id).where(
            func.lower(entities.c.name) == key, visible_contribution(principal)).limit(1)).first()
        if not key or visible is None:
            raise NotFound(f"no entity {name!r} that you may see")
        names.append(key)
    now = utcnow()
    current = conn.execute(select(operation_targets.c.observable_id,
                                  operation_targets.c.entity_name).where(
        operation_targets.c.operation_id == operation_id)).all()
    have_obs = {r.observable_id for r in current}
    have_ent = {r.entity_name for r in current}
    until = expiry(now, Settings().deconfliction_months)
    new_rows: list[dict[str, object]] = [
        {"observable_id": found[p], "entity_name": None} for p in dict.fromkeys(pairs)
                if found[p] not in have_obs]
    new_rows += [{"observable_id": None, "entity_name": n} for n in dict.fromkeys(names)
                 if n not in have_ent]
    if not new_rows:
        return []
    first = (conn.execute(select(func.max(operation_targets.c.id))).scalar() or 0) + 1
    conn.execute(insert(operation_targets), [
        {**r, "operation_id": operation_id, "linked_by_user_id": principal.user_id,
         "linked_at": now, "expires_at": until} for r in new_rows])
    labels = [label for label, _at, _until in targets(conn, operation_id, since_id=first)]
    membership.record(conn, principal, operation_id, "operation.link", {"targets": labels})
    deconfliction.check_targets(conn, operation_id, first)
    return labels


def targets(conn: Connection, operation_id: int, *,
            since_id: int = 0) -> list[tuple[str, datetime, datetime]]:
    rows = conn.execute(
        select(operation_targets.c.entity_name, operation_targets.c.linked_at,
               operation_targets.c.expires_at, observables.c.type, observables.c.value)
        .outerjoin(observables, observables.c.id == operation_targets.c.observable_id)
        .where(operation_targets.c.operation_id == operation_id,
               operation_targets.c.id >= since_id)
        .order_by(operation_targets.c.id)).all()
    return [(f"{r.type} {r.value}" if r.type else f"entity {r.entity_name}", r.linked_at,
             r.expires_at) for r in rows]


def attach(conn: Connection, principal: Principal, operation_id: int,
           contribution_id: int, *, again_ok: bool = False) -> None:
    """Share one of the principal's own contributions with every member of the operation,
    under its own handling (TLP, PAP, codes still travel with it). Its stricter-marked parts
    keep their own audience."""
    row = membership.load(conn, principal, operation_id, WRITE)
    require(principal, Permission.POOL_SUBMIT)
    own = conn.execute(select(contributions.c.id).where(
        contributions.c.id == contribution_id,
        contributions.c.originator_id == principal.organisation_id)).first()
    if own is None:
        raise NotFound(f"no contribution {contribution_id} of your organisation")
    already = conn.execute(select(operation_contributions.c.contribution_id).where(
        operation_contributions.c.operation_id == operation_id,
        operation_contributions.c.contribution_id == contribution_id)).first()
    if already is not None and again_ok:
        return
    if already is not None:
        raise InvalidInput(f"contribution {contribution_id} is already shared in operation "
                           f"{operation_id}")
    conn.execute(insert(operation_contributions).values(
        operation_id=operation_id, contribution_id=contribution_id, added_at=utcnow()))
    membership.record(conn, principal, operation_id, "operation.attach",
                      {"contribution": contribution_id})
    for org in membership.joined_org_ids(conn, operation_id):
        if org != principal.organisation_id:
            notifications.notify(conn, org, "operation-contribution",
                                 f"{principal.organisation_name} shared contribution "
                                 f"{contribution_id} in operation {operation_id} "
                                 f"'{row['name']}'", "operation", operation_id)
