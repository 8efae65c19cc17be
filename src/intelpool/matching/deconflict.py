"""Deconfliction: before acting, which of these selectors do other partners already hold?

Answers follow hit/no-hit: where the caller may see the partner's contribution it gets the
contribution ids; otherwise only that a partner (named unless anonymous) holds data, with the
kind of match, theme and date. The same rules as hits apply (CIDR, URL host, subdomain ...).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, tuple_

from intelpool.access import Permission, Principal, require
from intelpool.access.visibility import visible_contribution
from intelpool.audit import service as audit
from intelpool.db.tables import contribution_themes, contributions, observables, organisations
from intelpool.matching import probe
from intelpool.matching.hits import partner_label
from intelpool.observables import InvalidObservable, parse_selector


@dataclass(slots=True)
class Holder:
    partner: str
    kind: str  # exact, cidr, url-host, email-domain, subdomain
    visible: bool
    contributions: list[int] = field(default_factory=list)  # only those the caller may see
    themes: list[str] = field(default_factory=list)
    last_received: datetime | None = None


@dataclass(slots=True)
class DeconflictResult:
    input: str
    selector: str | None  # "type value", None when the input is not a selector
    error: str | None = None
    warning: str | None = None  # a warninglist that marks the value
    holders: list[Holder] = field(default_factory=list)
    # Operations of other leads touching it, for organisations taking part in operations.
    operations: list[Any] = field(default_factory=list)


def deconflict(conn: Connection, principal: Principal, values: list[str]) -> list[DeconflictResult]:
    require(principal, Permission.POOL_READ)
    results = [DeconflictResult(v, None) for v in values]
    parsed: dict[int, tuple[str, str]] = {}
    for i, text in enumerate(values):
        try:
            parsed[i] = parse_selector(text)
            results[i].selector = " ".join(parsed[i])
        except InvalidObservable as exc:
            results[i].error = str(exc)
    known = _known(conn, set(parsed.values()))
    for i, pair in parsed.items():
        results[i].warning = known.get(pair, (None, None))[1]
    probe.create_tables(conn)
    probe.probe_values(conn, [(i, k, v, known.get((k, v), (None, None))[0])
                              for i, (k, v) in parsed.items()])
    probe.run_rules(conn, principal.organisation_id or 0)
    for key, holder in _holders(conn, principal):
        results[key].holders.append(holder)
    from intelpool.operations.alerts import pointers  # operations build on matching

    for pointer in pointers(conn, principal, values):
        results[values.index(pointer.input)].operations.append(pointer)
    audit.record(conn, principal, "pool.deconflict", subject_type="selectors",
                 detail={"selectors": len(parsed),
                         "held": sum(1 for r in results if r.holders)}, read=True)
    return results


def _known(conn: Connection, pairs: set[tuple[str, str]]) -> dict[tuple[str, str],
                                                                    tuple[int, str | None]]:
    found: dict[tuple[str, str], tuple[int, str | None]] = {}
    items = sorted(pairs)
    for start in range(0, len(items), 500):
        chunk = items[start:start + 500]
        for r in conn.execute(select(observables.c.id, observables.c.type, observables.c.value,
                                     observables.c.warning)
                              .where(tuple_(observables.c.type, observables.c.value).in_(chunk))):
            found[(r.type, r.value)] = (r.id, r.warning)
    return found


def _holders(conn: Connection, principal: Principal) -> list[tuple[int, Holder]]:
    """One Holder per (input, partner, kind), from the rule matches in tmp_match."""
    rows = conn.exec_driver_sql(
        "SELECT m.probe_key, m.kind, m.org_id, h.contribution_id FROM tmp_match m "
        "JOIN observations h ON h.observable_id = m.other_id "
        "JOIN contributions c ON c.id = h.contribution_id AND c.originator_id = m.org_id"
    ).all()
    ids = sorted({r[3] for r in rows})
    info = {r.id: r for r in conn.execute(
        select(contributions.c.id, contributions.c.anonymous, contributions.c.received_at,
               organisations.c.name, visible_contribution(principal).label("visible"))
        .join(organisations, organisations.c.id == contributions.c.originator_id)
        .where(contributions.c.id.in_(ids)))} if ids else {}
    themes: dict[int, list[str]] = defaultdict(list)
    if ids:
        for cid, theme in conn.execute(select(contribution_themes.c.contribution_id,
                                              contribution_themes.c.theme)
                                       .where(contribution_themes.c.contribution_id.in_(ids))):
            themes[cid].append(theme)
    grouped: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    for key, kind, org, cid in rows:
        grouped[(key, org, kind)].append(cid)
    out = []
    for (key, _org, kind), cids in sorted(grouped.items()):
        rows_ = [info[c] for c in sorted(set(cids))]
        visible = [r.id for r in rows_ if r.visible]
        out.append((key, Holder(
            partner=partner_label(rows_[0].name, (r.anonymous for r in rows_), bool(visible)),
            kind=kind,
            visible=bool(visible), contributions=visible,
            themes=sorted({t for r in rows_ for t in themes[r.id]}),
            last_received=max(r.received_at for r in rows_))))
    return out
