"""The HTTP interface under load: search over REST, and TAXII paging against medallion.

1. Search: a pool of N observations (default 1,000,000, from 5 organisations) served by
   ``intelpool serve`` in its own process; p50/p99 latency of GET /api/v1/search for one
   client (target p99 under 25 ms) and requests per second with 8 concurrent clients.
2. TAXII: 100,000 indicators paged 1,000 at a time through intelpool's /taxii2/ and through
   medallion (the OASIS TAXII 2.1 server, memory backend) holding the same objects, in the
   same run; objects per second of each and the ratio (target >= 10x), with the server's
   resident memory before, during and after paging.
3. TAXII object by id: ``--by-id K`` ids spread over that collection (its last object
   included), each fetched from GET .../objects/ID/ of intelpool and of medallion; p50 and
   the slowest request of each, and the ratio.

    .venv/bin/python -m benchmarks.api [--observations N] [--indicators M] [--store URL]
        [--search-only] [--by-id K]

Search also reports the server process's CPU time per request (user + system, from /proc),
the figure that bounds throughput on a shared machine whatever the latency.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from benchmarks.common import selector_lines, write_lines
from intelpool.access import Principal
from intelpool.access.handling import HandlingRequest
from intelpool.db.engine import make_engine
from intelpool.db.migrate import upgrade
from intelpool.partners import identity, service
from intelpool.partners.identity import principal_for_email
from intelpool.pool import ingest

TAXII = "application/taxii+json;version=2.1"
OPERATOR = Principal.operator()

SERVE = """
import sys, uvicorn
from intelpool.api.app import create_app
from intelpool.api.serve import freeze_start_up
from intelpool.config import Settings
from intelpool.db.engine import make_engine
app = create_app(make_engine(sys.argv[1]), Settings(api_rate_limit_per_minute=10**9))
freeze_start_up(app)  # as intelpool serve does
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""

MEDALLION = """
import io, json, sys
import medallion
from medallion.backends.memory_backend import MemoryBackend
from werkzeug.serving import make_server
app = medallion.application_instance
with app.app_context():
    app.users_backend = {"bench": "bench"}
    app.taxii_config = {"max_page_size": 1000}
    app.medallion_backend = MemoryBackend(filename=sys.argv[1])
medallion.register_blueprints(app)
make_server("127.0.0.1", int(sys.argv[2]), app, threaded=True).serve_forever()
"""


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(code: str, *args: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", code, *args, str(port)])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def rss_mib(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def build_pool(url: str, observations: int, indicators: int, work: Path) -> dict[str, str]:
    engine = make_engine(url)
    upgrade(engine)
    orgs = 5
    per = observations // orgs
    with engine.begin() as conn:
        for i in range(orgs):
            service.add_organisation(conn, OPERATOR, f"Org {i}", "law-enforcement", "DE")
            service.add_user(conn, OPERATOR, f"u{i}@org{i}.example", f"Org {i}", "analyst")
    lines = selector_lines(per * orgs + indicators, seed=11)
    for i in range(orgs):
        path = work / f"org{i}.txt"
        write_lines(path, lines[i * per:(i + 1) * per] + lines[:200])  # some shared
        with engine.begin() as conn:
            ingest.submit(conn, principal_for_email(conn, f"u{i}@org{i}.example"),
                          ingest.Submission(path=path, handling=HandlingRequest(tlp="green")))
    taxii_path = work / "taxii.txt"
    write_lines(taxii_path, lines[per * orgs:])
    with engine.begin() as conn:
        service.add_organisation(conn, OPERATOR, "Feed", "private", "NL")
        service.add_user(conn, OPERATOR, "feed@feed.example", "Feed", "analyst")
        ingest.submit(conn, principal_for_email(conn, "feed@feed.example"), ingest.Submission(
            path=taxii_path, handling=HandlingRequest(tlp="amber"), themes=["botnet"]))
        token = identity.create_token(conn, OPERATOR, "u0@org0.example", expires_days=1,
                                      scopes=["read"]).secret
        feed = identity.create_token(conn, OPERATOR, "feed@feed.example", expires_days=1,
                                     scopes=["read"]).secret
    engine.dispose()
    return {"search": token, "feed": feed, "sample": "\n".join(lines[:2000])}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def get(conn: http.client.HTTPConnection, path: str, headers: dict[str, str]
        ) -> tuple[int, bytes, dict[str, str]]:
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, response.read(), dict(response.getheaders())


def bench_search(port: int, token: str, values: list[str], pid: int) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for value in values[:50]:  # warm up
        get(conn, "/api/v1/search?" + urlencode({"value": value}), headers)
    latencies = []
    cpu = cpu_seconds(pid)
    for value in values:
        started = time.perf_counter()
        status, _, _ = get(conn, "/api/v1/search?" + urlencode({"value": value}), headers)
        latencies.append((time.perf_counter() - started) * 1000)
        assert status == 200, status
    cpu = cpu_seconds(pid) - cpu
    latencies.sort()
    done = [0]
    lock = threading.Lock()

    def client(part: list[str]) -> None:
        own = http.client.HTTPConnection("127.0.0.1", port)
        for value in part:
            get(own, "/api/v1/search?" + urlencode({"value": value}), headers)
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=client, args=(values[i::8],)) for i in range(8)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"requests": len(values), "p50_ms": round(statistics.median(latencies), 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2),
            "server_cpu_ms_per_search": round(cpu * 1000 / len(values), 2),
            "rps_8_clients": round(done[0] / elapsed, 1),
            "load_average": os.getloadavg()}


def page_all(port: int, base: str, headers: dict[str, str], pid: int,
             medallion: bool, budget: float | None) -> dict[str, Any]:
    """Page the whole collection, or until ``budget`` seconds have passed (the rate is then
    that of the pages fetched)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=budget or 600)
    objects: list[dict[str, Any]] = []
    params: dict[str, str] = {"limit": "1000", "match[type]": "indicator"}
    before = rss_mib(pid)
    peak = before
    started = time.perf_counter()
    pages = 0
    envelope: dict[str, Any] = {"more": True}
    while True:
        try:
            status, body, _ = get(conn, f"{base}?{urlencode(params)}", headers)
        except TimeoutError:  # a page slower than the whole budget: stop, say so
            break
        assert status == 200, (status, body[:300])
        envelope = json.loads(body)
        objects += envelope.get("objects", [])
        pages += 1
        peak = max(peak, rss_mib(pid))
        if not envelope.get("more") or (budget and time.perf_counter() - started > budget):
            break
        params = {"next": str(envelope["next"])} if medallion else {**params,
                                                                  "next": envelope["next"]}
        if medallion:
            params["limit"] = "1000"
    elapsed = time.perf_counter() - started
    return {"objects": len(objects), "pages": pages,
            "complete": not envelope.get("more"),
            "seconds": round(elapsed, 2),
            "objects_per_s": round(len(objects) / elapsed), "rss_before_mib": round(before, 1),
            "rss_peak_mib": round(peak, 1), "rss_after_mib": round(rss_mib(pid), 1),
            "_objects": objects}


def by_id(port: int, base: str, headers: dict[str, str], ids: list[str],
          budget: float | None = None) -> dict[str, Any]:
    """Fetch each object by id (until ``budget`` seconds have passed, one at least); the
    latency of each request, in ms."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    latencies: list[float] = []
    started = time.perf_counter()
    for ident in ids:
        if latencies and budget and time.perf_counter() - started > budget:
            break
        started = time.perf_counter()
        status, body, _ = get(conn, f"{base}{ident}/", headers)
        latencies.append((time.perf_counter() - started) * 1000)
        assert status == 200 and ident.encode() in body, (status, body[:300])
    return {"requests": len(latencies), "p50_ms": round(statistics.median(latencies), 2),
            "max_ms": round(max(latencies), 2)}


def spread(objects: list[dict[str, Any]], count: int) -> list[str]:
    """``count`` ids spread evenly over the collection, ending with its last object."""
    step = max(len(objects) // count, 1)
    return [o["id"] for o in objects[step - 1::step]][-count:]


def medallion_data(objects: list[dict[str, Any]], path: Path) -> None:
    added = "2026-01-01T00:00:00.000000Z"
    data = {"/discovery": {"title": "m", "default": "/api1/", "api_roots": ["/api1/"]},
            "api1": {"information": {"title": "api1", "versions": [TAXII],
                                     "max_content_length": 1 << 30},
                     "status": [],
                     "collections": [{
                         "id": "bench", "title": "bench", "can_read": True,
                         "can_write": False, "media_types": [
                             "application/stix+json;version=2.1"],
                         "objects": [{**o, "_date_added": added} for o in objects],
                         "manifest": [{"id": o["id"], "date_added": added,
                                       "version": o["modified"],
                                       "media_type": "application/stix+json;version=2.1"}
                                      for o in objects]}]}}
    path.write_text(json.dumps(data))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--indicators", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=2000)
    parser.add_argument("--peer-seconds", type=float, default=120,
                        help="Stop paging medallion after this long (its rate is measured "
                             "over the pages it served).")
    parser.add_argument("--store", default=None, help="A PostgreSQL URL (default: a "
                                                      "temporary embedded pool).")
    parser.add_argument("--search-only", action="store_true",
                        help="Measure search over HTTP and stop (no TAXII paging).")
    parser.add_argument("--by-id", type=int, default=20,
                        help="How many objects to fetch by id from each server.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = args.store or f"sqlite:///{work / 'pool.db'}"
        started = time.perf_counter()
        seeded = build_pool(url, args.observations, args.indicators, work)
        print(f"pool built in {time.perf_counter() - started:.0f} s: {args.observations:,} "
              f"observations + {args.indicators:,} TAXII indicators "
              f"({urlsplit(url).scheme})", flush=True)
        server, port = start(SERVE, url)
        try:
            values = seeded["sample"].split("\n")
            values = (values * (args.searches // len(values) + 1))[:args.searches]
            search = bench_search(port, seeded["search"], values, server.pid)
            print("search over HTTP:", json.dumps(search), flush=True)
            if args.search_only:
                return
            auth = base64.b64encode(f"feed@feed.example:{seeded['feed']}".encode()).decode()
            headers = {"Authorization": f"Basic {auth}", "Accept": TAXII}
            _status, body, _ = get(http.client.HTTPConnection("127.0.0.1", port),
                                  "/taxii2/api/collections/", headers)
            themed = next(c["id"] for c in json.loads(body)["collections"]
                          if c["title"] == "Theme botnet")  # the feed's contribution alone
            ours = page_all(port, f"/taxii2/api/collections/{themed}/objects/", headers,
                            server.pid, medallion=False, budget=None)
            ids = spread(ours["_objects"], args.by_id)
            our_ids = by_id(port, f"/taxii2/api/collections/{themed}/objects/", headers, ids)
        finally:
            server.terminate()
            server.wait()
        objects = ours.pop("_objects")
        print("intelpool TAXII:", json.dumps(ours), flush=True)
        data = work / "medallion.json"
        medallion_data(objects, data)
        peer, peer_port = start(MEDALLION, str(data))
        try:
            auth = base64.b64encode(b"bench:bench").decode()
            theirs = page_all(peer_port, "/api1/collections/bench/objects/",
                              {"Authorization": f"Basic {auth}", "Accept": TAXII}, peer.pid,
                              medallion=True, budget=args.peer_seconds)
            # The middle and the last object first: its budget may allow only a few.
            middle, last = ids[len(ids) // 2], ids[-1]
            first = [middle, last] + [i for i in ids if i not in (middle, last)]
            their_ids = by_id(peer_port, "/api1/collections/bench/objects/",
                              {"Authorization": f"Basic {auth}", "Accept": TAXII}, first,
                              budget=args.peer_seconds)
        finally:
            peer.terminate()
            peer.wait()
        theirs.pop("_objects")
        print("medallion TAXII (memory backend):", json.dumps(theirs), flush=True)
        if theirs["objects"]:
            ratio = f"{ours['objects_per_s'] / theirs['objects_per_s']:.1f}x"
            peer_rate = f"{theirs['objects_per_s']:,} objects/s"
        else:  # not one page within the budget: its rate is below one page per budget
            bound = 1000 / args.peer_seconds
            ratio = f"more than {ours['objects_per_s'] / bound:.0f}x"
            peer_rate = f"under {bound:.1f} objects/s (no page of 1,000 within " \
                   f"{args.peer_seconds:g} s)"
        print(f"TAXII object by id in a collection of {len(objects):,}: intelpool "
              f"{json.dumps(our_ids)} vs medallion {json.dumps(their_ids)} = "
              f"{their_ids['p50_ms'] / our_ids['p50_ms']:.1f}x at p50", flush=True)
        print(f"TAXII paging: intelpool {ours['objects_per_s']:,} objects/s vs medallion "
              f"{peer_rate} = {ratio} (target >= 10x); "
              f"search p99 {search['p99_ms']} ms (target < 25 ms); machine: "
              f"{os.cpu_count()} cores, shared")


if __name__ == "__main__":
    main()
