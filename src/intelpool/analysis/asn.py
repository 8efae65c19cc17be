"""Addresses inside an autonomous system, where the source data says so.

An ASN is never derived from an address's value (the pool holds no routing table): the link
exists only where a contribution states it, and it is that contribution's evidence, visible
exactly as the contribution is. The pool keeps such statements in three shapes:

- a STIX 2.1 ``ipv4-addr``/``ipv6-addr`` whose ``belongs_to_refs`` names an
  ``autonomous-system`` of the same bundle (the address object is kept whole beside its
  observation, both under the object's id; the system is an observation under its own id);
- a MISP object (``asn``, ``ip-api-address``, ...) holding addresses or netblocks and one
  AS attribute (each attribute a ``contains`` link from the object);
- a CSV row with an address column and an ASN column (the row's cells linked from its
  first cell);
- a STIX 2.0 ``observed-data`` whose objects include one autonomous system and say an
  address belongs to it (``observed``).

Netblocks count as addresses here: an ``asn`` object lists the subnets it announces.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CTE, Connection, and_, func, literal, select, union_all

from intelpool.access import Principal
from intelpool.analysis import observed
from intelpool.analysis.extract import DERIVED, OBSERVABLE, visible
from intelpool.db.tables import contributions, extra_objects, observables, observations
from intelpool.db.tables import relationships as rels

IN_ASN = "in ASN"
ADDRESSES = ("ipv4", "ipv6", "cidr")
WEIGHT = 0.5  # as the other derived links: a fact about two selectors, not a case


def asn_edges(conn: Connection, principal: Principal) -> list[Any]:
    """(address key, ASN key, DERIVED, "in ASN", stating contribution, weight) rows."""
    vis = visible(principal)
    return [*conn.execute(_stix(vis)).all(), *conn.execute(_records(vis)).all()]


def _stix(vis: CTE) -> Any:
    """Address objects whose kept body names an autonomous system of their bundle."""
    ip, sys_ = observations.alias("ip"), observations.alias("sys")
    asn = observables.alias("asn")
    x = extra_objects
    return (
        select(ip.c.observable_id * 4 + OBSERVABLE, sys_.c.observable_id * 4 + OBSERVABLE,
               literal(DERIVED), literal(IN_ASN), x.c.contribution_id, literal(WEIGHT))
        .select_from(x.join(vis, vis.c.id == x.c.contribution_id)
                     .join(ip, and_(ip.c.contribution_id == x.c.contribution_id,
                                    ip.c.ref == x.c.ref))
                     .join(sys_, sys_.c.contribution_id == x.c.contribution_id)
                     .join(asn, asn.c.id == sys_.c.observable_id))
        .where(x.c.type.in_(("ipv4-addr", "ipv6-addr")),
               x.c.body.like('%"belongs_to_refs"%'),
               sys_.c.ref.like("autonomous-system--%"), asn.c.type == "asn",
               # Only belongs_to_refs may name an autonomous system in an address object.
               x.c.body.like('%"' + sys_.c.ref + '"%'))
        .distinct()
    )


def _records(vis: CTE) -> Any:
    """Pairs of an address and the one ASN of a MISP object, a CSV row or a STIX 2.0
    observed-data."""
    members = _members(vis)
    addr, sys_ = members.alias("addr"), members.alias("sys")
    addr_o, sys_o = observables.alias("addr_o"), observables.alias("sys_o")
    one = (select(members.c.cid, members.c.record)
           .join(observables, observables.c.id == members.c.oid)
           .where(observables.c.type == "asn")
           .group_by(members.c.cid, members.c.record)
           .having(func.count(func.distinct(members.c.oid)) == 1).cte("one_asn"))
    return (
        select(addr.c.oid * 4 + OBSERVABLE, sys_.c.oid * 4 + OBSERVABLE, literal(DERIVED),
               literal(IN_ASN), addr.c.cid, literal(WEIGHT))
        .select_from(one.join(sys_, and_(sys_.c.cid == one.c.cid,
                                         sys_.c.record == one.c.record))
                     .join(sys_o, sys_o.c.id == sys_.c.oid)
                     .join(addr, and_(addr.c.cid == one.c.cid, addr.c.record == one.c.record))
                     .join(addr_o, addr_o.c.id == addr.c.oid))
        .where(sys_o.c.type == "asn", addr_o.c.type.in_(ADDRESSES))
        .distinct()
    )


def _members(vis: CTE) -> CTE:
    """(contribution, record, observable) for the selectors of each MISP object, each CSV
    row and each STIX 2.0 observed-data stating what an address belongs to, of a visible
    contribution."""
    r = rels
    plain = and_(r.c.target_kind == "observable", r.c.target_id.is_not(None))
    in_object = (select(r.c.contribution_id.label("cid"), r.c.source_ref.label("record"),
                        r.c.target_id.label("oid"))
                 .join(vis, vis.c.id == r.c.contribution_id)
                 .where(r.c.type == "contains", r.c.source_id.is_(None), plain))
    # A CSV row's cells: its first cell links to each other one ("related-to").
    row = (select(r.c.contribution_id, r.c.source_ref, r.c.source_id, r.c.target_id)
           .join(vis, vis.c.id == r.c.contribution_id)
           .join(contributions, contributions.c.id == r.c.contribution_id)
           .where(contributions.c.format == "csv", r.c.type == "related-to", plain,
                  r.c.source_kind == "observable", r.c.source_id.is_not(None))
           .cte("csv_row"))
    first = select(row.c.contribution_id.label("cid"), row.c.source_ref.label("record"),
                   row.c.source_id.label("oid"))
    others = select(row.c.contribution_id, row.c.source_ref, row.c.target_id)
    stated = observed.members(observed.asn_records(vis))
    in_observed = select(stated.c.cid, stated.c.record, stated.c.oid)
    return union_all(in_object, first, others, in_observed).cte("members")
