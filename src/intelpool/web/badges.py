"""Counts beside the navigation links: hits new to the user, access requests to decide,
unread notifications and what is held for the user's release. One small SQL count each,
through the services, for the viewer's own organisation only (a stranger counts nothing of
others). Opening the hits page or the dashboard marks its hits or notifications seen."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.audit import notifications
from intelpool.matching import counts
from intelpool.operations import held
from intelpool.partners import seen
from intelpool.web.core import Viewer

# Which page marks what seen, by its path.
SEEN_ON: dict[str, dict[str, bool]] = {"/": {"notices": True}, "/hits": {"hits": True}}
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


def nav_counts(viewer: Viewer, path: str, method: str) -> dict[str, int]:
    """The non-zero counts by navigation path, after marking what this page shows as seen."""
    if not viewer.can("pool:read"):
        return {}
    with viewer.transaction() as conn:
        if method == "GET" and path in SEEN_ON:
            seen.mark_seen(conn, viewer.principal, **SEEN_ON[path])
        found = {link: count(conn, viewer.principal) for link, count in COUNTS.items()}
    return {link: n for link, n in found.items() if n}
