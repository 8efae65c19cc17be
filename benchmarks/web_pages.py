"""Server time per web page on a pool (the demo pool by default), beside the API.

Signs in as a user of the pool (a fresh password is set for it), requests every page of the
web interface ROUNDS times in-process and prints the median server time per page (the app's
Server-Timing header) and the wall time per request. The peer, measured in the same run, is
the REST API answering the same search as JSON: the search page's ratio to it is what
rendering and hit/no-hit add to the bare lookup.

    .venv/bin/python -m benchmarks.web_pages [--db sqlite:///intelpool-demo/pool.db]
        [--as admin@police-de.example] [--rounds 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy import select

from intelpool.access import Principal
from intelpool.api.app import create_app
from intelpool.db.engine import make_engine
from intelpool.db.tables import contributions, observables
from intelpool.partners import identity, sign_in

PASSWORD = "benchmark password 1"


def _server_ms(response: object) -> float:
    header = response.headers.get("server-timing", "")  # type: ignore[attr-defined]
    found = re.search(r"dur=([0-9.]+)", header)
    return float(found.group(1)) if found else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:///intelpool-demo/pool.db")
    parser.add_argument("--as", dest="email", default="admin@police-de.example")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    engine = make_engine(args.db)
    with engine.begin() as conn:
        sign_in.set_password(conn, Principal.operator(), args.email, PASSWORD)
        token = identity.create_token(conn, Principal.operator(), args.email, expires_days=1,
                                      scopes=["read"]).secret
        value = conn.execute(select(observables.c.value).where(observables.c.type == "ipv4")
                             .order_by(observables.c.id).limit(1)).scalar_one()
        cid = conn.execute(select(contributions.c.id).order_by(contributions.c.id.desc())
                           .limit(1)).scalar_one()
    client = TestClient(create_app(engine))
    form = client.get("/sign-in").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    client.post("/sign-in", data={"csrf": csrf, "email": args.email, "password": PASSWORD})
    pages = ["/", f"/search?q={quote(value)}", f"/selector?value={quote(value)}",
             "/contributions", "/contributions?sort=title&page=3", f"/contributions/{cid}",
             "/contributions.csv", "/submit", "/hits", "/access-requests", "/admin", "/audit"]
    # The lists sort and page in the database: other orders, a later page, whole CSV exports.
    pages += ["/hits?sort=partner&page=3", "/hits?access=hidden", "/hits.csv",
              "/access-requests?sort=holder", "/access-requests.csv", "/audit?sort=actor&page=2",
              "/audit.csv"]
    print(f"{'page':<42} {'server ms':>10} {'wall ms':>9}  (median of {args.rounds})")
    results: dict[str, float] = {}
    for path in pages:
        server, wall = [], []
        for _ in range(args.rounds):
            began = time.perf_counter()
            response = client.get(path)
            wall.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            server.append(_server_ms(response))
        results[path] = statistics.median(server)
        print(f"{path[:42]:<42} {results[path]:>10.1f} {statistics.median(wall):>9.1f}")
    api = []
    for _ in range(args.rounds):
        response = client.get(f"/api/v1/search?value={quote(value)}",
                              headers={"Authorization": f"Bearer {token}"})
        api.append(_server_ms(response))
    peer = statistics.median(api)
    print(f"peer: API /api/v1/search {peer:.1f} ms; search page / API = "
          f"{results[pages[1]] / peer:.1f}x")
    engine.dispose()


if __name__ == "__main__":
    main()
