"""Selectors of one STIX observed-data: reported together, and (``asn``) an address in the
autonomous system the record names.

A STIX 2.0 observed-data holds its objects inside, and every selector of it carries the
observed-data's id as its ref, so "same record" links them like the selectors of any
record. A STIX 2.1 observed-data names top-level objects in ``object_refs``, each a
selector with a ref of its own: the pairs come from the kept body's list, read in SQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CTE, Connection, and_, func, literal, select, true
from sqlalchemy.dialects.postgresql import JSONB

from intelpool.access import Principal
from intelpool.analysis.extract import LARGE_RECORD, OBSERVABLE, TOGETHER, visible
from intelpool.db.tables import extra_objects, observations

OBSERVED = "observed-data"


def together_edges(conn: Connection, principal: Principal) -> list[Any]:
    """(a, b, TOGETHER, "same observed-data", contribution, 1/(n-1)) for each pair of the
    selectors a visible STIX 2.1 observed-data names."""
    found = members(_refs(conn, visible(principal)))
    sizes = (select(found.c.cid, found.c.record, func.count().label("n"))
             .group_by(found.c.cid, found.c.record)
             .having(func.count().between(2, LARGE_RECORD)).cte("od_size"))
    m1, m2 = found.alias("m1"), found.alias("m2")
    return list(conn.execute(
        select(m1.c.oid * 4 + OBSERVABLE, m2.c.oid * 4 + OBSERVABLE, literal(TOGETHER),
               literal("same observed-data"), m1.c.cid, 1.0 / (sizes.c.n - 1))
        .select_from(sizes.join(m1, and_(m1.c.cid == sizes.c.cid,
                                         m1.c.record == sizes.c.record))
                     .join(m2, and_(m2.c.cid == m1.c.cid, m2.c.record == m1.c.record,
                                    m2.c.oid > m1.c.oid)))
        .order_by(m1.c.cid, m1.c.record, m1.c.oid, m2.c.oid)).all())


def _refs(conn: Connection, vis: CTE) -> CTE:
    """(contribution, observed-data id, object id) for each object an observed-data of a
    visible contribution names in ``object_refs``."""
    x = extra_objects
    if conn.dialect.name == "postgresql":
        listed = func.jsonb_array_elements_text(
            func.cast(x.c.body, JSONB)["object_refs"]).table_valued("value").render_derived()
    else:
        listed = func.json_each(x.c.body, "$.object_refs").table_valued("value")
    return (select(x.c.contribution_id.label("cid"), x.c.ref.label("record"),
                   listed.c.value.label("sco"))
            .select_from(x.join(vis, vis.c.id == x.c.contribution_id).join(listed, true()))
            .where(x.c.type == OBSERVED, x.c.body.like('%"object_refs"%'))
            .cte("od_refs").prefix_with("MATERIALIZED"))


def members(refs: CTE) -> CTE:
    """(contribution, observed-data id, observable) for each selector the objects are. The
    observations are walked once per file holding observed-data, each looked up in the
    list: there is no index on an observation's ref, and a lookup per object would walk
    its file once per object."""
    o = observations.c
    files = select(refs.c.cid).distinct()
    return (select(refs.c.cid, refs.c.record, o.observable_id.label("oid"))
            .select_from(refs.join(observations, and_(o.contribution_id == refs.c.cid,
                                                      o.ref == refs.c.sco)))
            .where(o.contribution_id.in_(files))
            .distinct().cte("od_members"))


def asn_records(vis: CTE) -> CTE:
    """(contribution, observed-data id, the same id) for each STIX 2.0 observed-data of a
    visible contribution whose objects say an address belongs to a system
    (``belongs_to_refs``): its selectors carry its id as their ref, so ``members`` finds
    them as it finds the objects a 2.1 one names."""
    x = extra_objects
    return (select(x.c.contribution_id.label("cid"), x.c.ref.label("record"),
                   x.c.ref.label("sco"))
            .join(vis, vis.c.id == x.c.contribution_id)
            .where(x.c.type == OBSERVED, x.c.body.like('%"belongs_to_refs"%'),
                   x.c.body.like('%"objects"%'))
            .cte("od_asn").prefix_with("MATERIALIZED"))
