"""What the results say of the selectors they name: type, value and role.

Read after the networks are found, for their members only: most visible selectors are in
no network, and reading a million values and roles would cost more than the rest.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import BigInteger, Connection, TableClause, and_, column, func, select, table

from intelpool.access import Principal
from intelpool.analysis.arrays import distinct
from intelpool.analysis.extract import not_indexed, visible
from intelpool.analysis.roles import strength
from intelpool.db.bulk import analyze, create_temp_table, is_sqlite, load_rows
from intelpool.db.tables import entities, observables, observations

IntArray = npt.NDArray[np.int64]
SCRATCH = "analysis_named"


def names(conn: Connection, stats: dict[str, npt.NDArray[Any]], rows: IntArray) -> None:
    """Fill in the type and value of the given rows of ``stats`` (observables the viewer's
    data holds, as ``node_stats`` found them)."""
    wanted = distinct(rows)
    named = _scratch(conn, stats["id"][wanted].tolist())
    found = conn.execute(select(observables.c.id, observables.c.type, observables.c.value)
                         .where(observables.c.id.in_(select(named.c.id)))).all()
    if not found:
        return
    # Placed all at once: the statistics are ordered by id.
    oids, kinds, values = zip(*found, strict=True)
    at = np.searchsorted(stats["id"], np.array(oids, np.int64))
    stats["type"][at] = np.array(kinds, dtype=object)
    stats["value"][at] = np.array(values, dtype=object)


def roles(conn: Connection, principal: Principal, oids: list[int]) -> dict[int, str]:
    """The role of each of the given selectors in the principal's data: its observation's,
    or its indicator's name when that is a short label (``c2-panel``) rather than free
    text. Only the selectors the results name are asked for: most are in no network."""
    vis = visible(principal)
    ind = entities.alias("ind")
    role = func.coalesce(observations.c.role, ind.c.name)
    chunk = observations.c.observable_id.in_(select(_scratch(conn, oids).c.id))
    rows: list[Any] = list(conn.execute(
        select(observations.c.observable_id, role, func.count())
        .select_from(observations.join(vis, vis.c.id == observations.c.contribution_id)
                     .outerjoin(ind, and_(ind.c.contribution_id ==
                                          observations.c.contribution_id,
                                          ind.c.ref == observations.c.ref,
                                          not_indexed(ind.c.kind) == "indicator")))
        .where(chunk, role.is_not(None), *_label(role))
        .group_by(observations.c.observable_id, role)
    ).all())
    # A MISP attribute's comment is where many partners write the role.
    rows += conn.execute(
        select(observations.c.observable_id, observations.c.comment, func.count())
        .join(vis, vis.c.id == observations.c.contribution_id)
        .where(chunk, observations.c.comment.is_not(None),
               *_label(observations.c.comment))
        .group_by(observations.c.observable_id, observations.c.comment)
    ).all()
    if not rows:
        return {}
    # The strongest role any partner states wins (a C2 panel that another file files under
    # "network activity" is still a C2 panel); then the one most often stated, then the
    # last by name. Chosen in numpy: there are as many stated roles as selectors.
    ids, stated, counts = (np.array(c) for c in zip(*rows, strict=True))
    names, which = np.unique(stated.astype(str), return_inverse=True)
    usable = np.array([_is_role(n) for n in names])[which]
    power = np.array([strength(n) for n in names])[which]
    order = np.lexsort((which, counts, power, ids))
    order = order[usable[order]]
    last = np.flatnonzero(np.diff(ids[order], append=-1) != 0)
    best = order[last]
    return dict(zip(ids[best].tolist(), names[which[best]].tolist(), strict=True))


def _scratch(conn: Connection, ids: list[int]) -> TableClause:
    """The given ids in a scratch table to join: an ``IN`` list of tens of thousands costs
    more to compile and bind than the query it filters."""
    create_temp_table(conn, SCRATCH,
                      "id INTEGER PRIMARY KEY" if is_sqlite(conn) else "id BIGINT PRIMARY KEY")
    load_rows(conn, SCRATCH, ["id"], [(i,) for i in ids])
    analyze(conn, SCRATCH)
    return table(SCRATCH, column("id", BigInteger))


def _label(text: Any) -> list[Any]:
    """``_is_role`` in SQL, near enough to leave free text (most of it) in the store."""
    return [func.length(text) <= 40, func.trim(text).not_like("% %"), text != "indicator"]


def _is_role(text: str) -> bool:
    """A role is a short label (``c2-panel``), not an indicator's free-text name."""
    return len(text) <= 40 and " " not in text.strip() and text != "indicator"
