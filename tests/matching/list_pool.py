"""A pool with more than 500 hits for one organisation, and access requests of every status.

The bank (viewer) shares 520 selectors with Police DE (visible to the bank), three with
Zulu Police (AMBER, in two files: hidden) and two with Alpha CERT (AMBER, anonymous: the
bank sees "a partner"), plus a URL whose host Police DE holds (a url-host hit). The bank asks
for access to all three hidden contributions: Zulu grants one, Alpha denies, one stays
pending. Stranger FR is in no hit and no request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from intelpool.access import Principal
from intelpool.matching import access_requests, hits
from tests import factories as f

SHARED = 520
SHARED_IPS = [f"45.{137 + i // 250}.{i % 250}.{7 + i % 3}" for i in range(SHARED)]
ZULU_FIRST = ["zulu-one.net", "zulu-two.net"]
ZULU_SECOND = ["zulu-three.net"]
ALPHA = ["alpha-one.net", "alpha-two.net"]
URL_HOST = "url-host-panel.net"
HIT_TOTAL = SHARED + len(ZULU_FIRST) + len(ZULU_SECOND) + len(ALPHA) + 1


@dataclass
class ListPool:
    bank: Principal  # an admin: reads hits, requests and its organisation's trail
    police: Principal
    zulu: Principal
    alpha: Principal
    stranger: Principal
    granted: int  # Zulu's contribution released to the bank
    pending: int  # Zulu's contribution the bank still waits for
    denied: int  # Alpha's contribution


def build(conn: Connection, tmp_path: Path) -> ListPool:
    bank = f.member(conn, "Bank NL", kind="private", role="admin")
    police = f.member(conn, "Police DE", role="admin")
    zulu = f.member(conn, "Zulu Police", role="admin")
    alpha = f.member(conn, "Alpha CERT", kind="cert", role="admin")
    stranger = f.member(conn, "Stranger FR", role="admin")
    f.submit_lines(conn, police, tmp_path, [*SHARED_IPS, URL_HOST], themes=["botnet"])
    granted = f.submit_lines(conn, zulu, tmp_path, ZULU_FIRST, tlp="amber", codes=["H2"])
    pending = f.submit_lines(conn, zulu, tmp_path, ZULU_SECOND, tlp="amber", pap="red")
    denied = f.submit_lines(conn, alpha, tmp_path, ALPHA, tlp="amber", anonymous=True)
    f.submit_lines(conn, bank, tmp_path, [*SHARED_IPS, *ZULU_FIRST, *ZULU_SECOND, *ALPHA,
                                          f"https://{URL_HOST}/login"])
    by_selector = {h.selector.split(" ", 1)[1]: h.id
                   for h in hits.list_hits(conn, bank).hits}
    ask = {c: access_requests.request_access(conn, bank, by_selector[v], f"case {v}").id
           for c, v in ((granted.contribution_id, ZULU_FIRST[0]),
                        (pending.contribution_id, ZULU_SECOND[0]),
                        (denied.contribution_id, ALPHA[0]))}
    access_requests.decide(conn, zulu, ask[granted.contribution_id], grant=True, note="ok")
    access_requests.decide(conn, alpha, ask[denied.contribution_id], grant=False,
                           note="=HYPERLINK(\"http://x\")")
    return ListPool(bank, police, zulu, alpha, stranger, granted.contribution_id,
                    pending.contribution_id, denied.contribution_id)
