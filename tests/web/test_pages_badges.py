"""Counts in the navigation: new hits, access requests to decide, unread notifications and
what is held for release, for the viewer's own organisation only."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from intelpool.db.tables import hits
from intelpool.matching import access_requests
from tests import factories as f
from tests.conftest import Store
from tests.web.helpers import HIDDEN_ONLY, build_pool, signed_in


def _counts(html: str) -> dict[str, int]:
    return {path: int(n) for path, n in re.findall(
        r'data-count="([^"]+)">(\d+)</span>', html)}


def test_counts_follow_what_is_new_and_a_stranger_sees_none(store: Store,
                                                            tmp_path: Path) -> None:
    pool = build_pool(store.engine, tmp_path)
    with store.begin() as conn:
        bank = f.principal_for_email(conn, pool.bank)
        f.submit_lines(conn, bank, tmp_path, [HIDDEN_ONLY], tlp="amber")
        hit = conn.execute(select(hits.c.id)).scalar_one()
        access_requests.request_access(conn, bank, hit, "our customers are affected")
    police = signed_in(store.engine, pool.police)  # lands on the dashboard
    counted = _counts(police.get("/search").text)
    assert counted["/hits"] == 1 and counted["/access-requests"] == 1
    assert "/" not in counted  # the dashboard showed the notifications
    assert "/hits" not in _counts(police.get("/hits").text)
    assert _counts(police.get("/search").text) == {"/access-requests": 1}
    requester = _counts(signed_in(store.engine, pool.bank).get("/search").text)
    assert requester.get("/hits") == 1 and "/access-requests" not in requester
    stranger = signed_in(store.engine, pool.stranger)
    for path in ("/", "/search", "/hits", "/operations"):
        assert _counts(stranger.get(path).text) == {}, path
