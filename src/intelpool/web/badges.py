"""Counts beside the navigation links: hits new to the user, access requests to decide,
unread notifications and what is held for the user's release. One small SQL count each,
through the services, for the viewer's own organisation only (a stranger counts nothing of
others). The hits page and the dashboard mark what they show as seen."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.audit import notifications
from intelpool.matching import counts
from intelpool.operations import held
from intelpool.web.core import Viewer

# The count shown beside each navigation link, by the link's path.
COUNTS: dict[str, Callable[[Connection, Principal], int]] = {
    "/": notifications.count_unread,
    "/hits": counts.count_new_hits,
    "/access-requests": counts.count_to_decide,
    "/operations": held.count_held,
}
TITLES = {"/": "unread notifications", "/hits": "new hits",
          "/access-requests": "access requests to decide",
          "/operations": "held for your release"}


def nav_counts(viewer: Viewer) -> dict[str, int]:
    """The non-zero counts by navigation path."""
    if not viewer.can("pool:read"):
        return {}
    with viewer.transaction() as conn:
        found = {link: count(conn, viewer.principal) for link, count in COUNTS.items()}
    return {link: n for link, n in found.items() if n}
