"""TAXII collections, computed for the caller's organisation.

Every organisation has: one collection holding everything it may see, one per sharing group
it belongs to (what was shared with that group), one per crime theme (what it may see of that
theme) and one writable "submit" collection of its own. A collection of a group it is not in,
or another organisation's submit collection, does not exist for it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, and_, exists, select

from intelpool.access import Permission, Principal, require
from intelpool.access.visibility import visible_contribution
from intelpool.db.tables import (
    contribution_audience_groups,
    contribution_themes,
    contributions,
    sharing_group_members,
    sharing_groups,
)
from intelpool.errors import NotFound
from intelpool.pool.themes import Theme

_NAMESPACE = uuid.UUID("6f0d6c1e-6c55-4a43-9b5d-1b0c7d6a2f11")


@dataclass(frozen=True, slots=True)
class Collection:
    id: str
    title: str
    description: str
    can_read: bool
    can_write: bool
    kind: str  # all, group, theme, submit
    key: str  # group id, theme name, organisation id; "" for all

    def contains(self, principal: Principal) -> ColumnElement[bool]:
        """The SQL condition on ``contributions`` rows this collection holds for ``principal``."""
        visible = visible_contribution(principal)
        if self.kind == "group":
            return and_(visible, exists(select(1).where(
                contribution_audience_groups.c.contribution_id == contributions.c.id,
                contribution_audience_groups.c.group_id == int(self.key))))
        if self.kind == "theme":
            return and_(visible, exists(select(1).where(
                contribution_themes.c.contribution_id == contributions.c.id,
                contribution_themes.c.theme == self.key)))
        return visible


def _id(kind: str, key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


def collections(conn: Connection, principal: Principal) -> list[Collection]:
    require(principal, Permission.POOL_READ)
    org = principal.organisation_id
    if org is None:
        return []
    found = [Collection(_id("all", ""), "Everything you may see",
                        "Every object of the pool your organisation may see, with its "
                        "markings.", True, False, "all", "")]
    for group_id, name in conn.execute(
        select(sharing_groups.c.id, sharing_groups.c.name)
        .join(sharing_group_members, sharing_group_members.c.group_id == sharing_groups.c.id)
        .where(sharing_group_members.c.organisation_id == org).order_by(sharing_groups.c.name)
    ):
        found.append(Collection(_id("group", str(group_id)), f"Sharing group {name}",
                                f"What was shared with the sharing group {name}.", True,
                                False, "group", str(group_id)))
    for theme in Theme:
        found.append(Collection(_id("theme", theme.value), f"Theme {theme.value}",
                                f"What you may see of the crime theme {theme.value}.", True,
                                False, "theme", theme.value))
    found.append(Collection(_id("submit", str(org)), f"Submit as {principal.organisation_name}",
                            "Objects added here become a contribution of your organisation.",
                            False, True, "submit", str(org)))
    return found


def collection(conn: Connection, principal: Principal, collection_id: str) -> Collection:
    """One of the caller's collections; any other id answers like one that does not exist."""
    for found in collections(conn, principal):
        if found.id == collection_id:
            return found
    raise NotFound(f"no collection {collection_id}")
