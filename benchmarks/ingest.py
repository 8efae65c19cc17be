"""End-to-end ingest into the embedded store, against the parsers partners would otherwise use.

(a) a URL feed (OpenPhish format, one URL per line) of N lines: intelpool's whole submit
    (parse, refang, canonicalise, store, warninglists, matching) against IntelMQ's
    OpenPhish parser bot alone, run in-process by ``intelmq.lib.test.BotTestCase`` on the
    first P lines (its in-memory test pipeline holds every event, so the ratio is of rates),
    and the floor beside it: SQLite alone writing the same rows into the same tables;
(b) a STIX 2.1 bundle of M indicators: intelpool's whole submit against ``stix2.parse``
    of the same bundle alone;
(c) one MISP event of K attributes: intelpool's whole submit (no peer: the rate and memory).
The targets compare the whole submit with the peers' parsers alone. For context, the
``context_`` figures put intelpool's own parsing alone (importer and canonicalisation, no
store) beside the same peers.
Each side runs in a fresh process; peak memory is that process's. Running (a), (b) and (c)
at twice the size too shows whether memory grows with the file: it rises while SQLite's page
caches (bounded, 64 MiB each for the pool and its scratch tables) fill, then stays. (b) and (c)
run once more at both sizes with 8 MiB caches, full from the start: what is left is flat.
With ``--rounds R`` every timed side runs R times, the sides taking turns, and the median
is reported beside every run's time: on a shared machine one run can be far off.

    .venv/bin/python -m benchmarks.ingest [--lines N] [--indicators M] [--attributes K]
                                          [--rounds R] [--json]

With ``--store postgresql`` it measures instead the same whole submits ((a), (b), (c)) into a
fresh PostgreSQL pool (a schema of ``--postgresql-url``'s database), against the same submits
into a fresh embedded pool in the same run, the sides taking turns: the peer is the embedded
store, and the target is a PostgreSQL submit at least as fast.
Needs the peers: `make bench` (pip extra `bench`: intelmq, stix2).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import SUBMIT_CHILD, run_child, store_url, timed_rounds

INTELMQ = """
import base64, json, sys, time, unittest
import intelmq.lib.utils as utils
utils.drop_privileges = lambda: True  # the harness refuses root; the parser does not care
import intelmq.lib.test as test
from intelmq.bots.parsers.openphish.parser import OpenPhishParserBot

class Bench(test.BotTestCase, unittest.TestCase):
    @classmethod
    def set_bot(cls):
        cls.bot_reference = OpenPhishParserBot

raw = open(sys.argv[1], "rb").read()
Bench.setUpClass()
case = Bench()
case.input_message = {"__type": "Report", "feed.name": "OpenPhish",
                      "time.observation": "2026-11-01T00:00:00+00:00",
                      "raw": base64.b64encode(raw).decode()}
case.prepare_bot()
started = time.perf_counter()
case.run_bot(prepare=False)  # one iteration: the whole report, through the test pipeline
elapsed = time.perf_counter() - started
events = len(case.get_output_queue())
print(json.dumps({"seconds": elapsed, "events": events}))
"""

STIX2 = """
import json, sys, time
import stix2
text = open(sys.argv[1], encoding="utf-8").read()
started = time.perf_counter()
bundle = stix2.parse(text, allow_custom=True)
print(json.dumps({"seconds": time.perf_counter() - started, "objects": len(bundle.objects)}))
"""

# The floor under (a): the same URLs, already canonical and with their matching keys
# computed before the clock starts, written by plain sqlite3 executemany into a pool's own
# tables (one contribution, observables, observations) and committed. No parsing, no
# deduplication, no matching: what SQLite alone needs for this schema on this machine.
STORE_FLOOR = """
import json, sys, time
from intelpool.db.engine import make_engine
from intelpool.db.migrate import upgrade
from intelpool.matching.derive import keys
from intelpool.observables import parse_selector

db, path = sys.argv[1], sys.argv[2]
engine = make_engine(f"sqlite:///{db}")
upgrade(engine)
with open(path, encoding="utf-8") as fh:
    rows = [("url", value, *keys("url", value))
            for value in (parse_selector(line.strip(), "url")[1] for line in fh)]
raw = engine.raw_connection()
cursor = raw.cursor()
started = time.perf_counter()
cursor.execute("INSERT INTO organisations (name, kind, created_at) VALUES ('o', 'cert', '2026')")
cursor.execute("INSERT INTO users (email, organisation_id, role, active, created_at) "
               "VALUES ('u', 1, 'contributor', 1, '2026')")
cursor.execute("INSERT INTO contributions (originator_id, submitter_id, received_at, format, "
               "content_hash, handling_fingerprint, tlp, pap, handling_codes, anonymous, "
               "audience_pool, accepted, duplicates, rejected) VALUES (1, 1, '2026', 'x', 'h', "
               "'f', 'amber', 'clear', '', 0, 0, 0, 0, 0)")
for start in range(0, len(rows), 20_000):
    batch = rows[start:start + 20_000]
    cursor.executemany("INSERT INTO observables (type, value, ip_lo, ip_hi, host, rev_name) "
                       "VALUES (?, ?, ?, ?, ?, ?)", batch)
    cursor.executemany("INSERT INTO observations (contribution_id, observable_id, first_seen) "
                       "VALUES (1, ?, '2026-11-01 00:00:00.000000')",
                       [(start + i + 1,) for i in range(len(batch))])
raw.commit()
print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(rows)}))
"""

# intelpool's side without the store, for a like-for-like look at the parsers: the importer's
# records, each selector validated and canonicalised as the ingest service does. Nothing is
# deduplicated, stored or matched: the targets compare the whole submit, not this.
PARSER_ALONE = """
import json, sys, time
from pathlib import Path
from intelpool.formats.records import ImportOptions, ObservationRecord
from intelpool.formats.registry import get_importer
from intelpool.observables import InvalidObservable, parse_selector

path, fmt = Path(sys.argv[1]), sys.argv[2]
started = time.perf_counter()
selectors = 0
with path.open("rb") as fh:
    for record in get_importer(fmt).parse(fh, ImportOptions()):
        if isinstance(record, ObservationRecord):
            try:
                parse_selector(record.value, record.type)
                selectors += 1
            except InvalidObservable:
                pass
print(json.dumps({"seconds": time.perf_counter() - started, "selectors": selectors}))
"""

TLP_GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"


def url_feed(path: Path, lines: int, seed: int = 5) -> None:
    rnd = random.Random(seed)
    words = ["login", "secure", "verify", "account", "update", "bank", "pay", "mail"]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(lines):
            fh.write(f"https://{rnd.choice(words)}-{i}.{rnd.choice(words)}{rnd.randint(1, 999)}"
                     f".com/{rnd.choice(words)}/{rnd.getrandbits(40):x}.php?id={i}\n")


def stix_bundle(path: Path, indicators: int, seed: int = 6) -> None:
    """A STIX 2.1 bundle written object by object (never held in memory whole)."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", '
                 '"objects": [')
        for i in range(indicators):
            kind = i % 4
            if kind == 0:
                pattern = f"[ipv4-addr:value = '{rnd.randint(11, 223)}.{rnd.randint(0, 255)}." \
                          f"{rnd.randint(0, 255)}.{rnd.randint(1, 254)}']"
            elif kind == 1:
                pattern = f"[domain-name:value = 'c2-{i}.example{rnd.randint(1, 99)}.net']"
            elif kind == 2:
                pattern = f"[url:value = 'http://drop{i}.example{rnd.randint(1, 99)}.org/x']"
            else:
                pattern = f"[file:hashes.'SHA-256' = '{rnd.getrandbits(256):064x}']"
            obj = {"type": "indicator", "spec_version": "2.1",
                   "id": f"indicator--{rnd.getrandbits(128):032x}"[:11] + _uuid(rnd),
                   "created": "2026-10-01T00:00:00.000Z", "modified": "2026-10-01T00:00:00.000Z",
                   "pattern": pattern, "pattern_type": "stix", "valid_from":
                   "2026-10-01T00:00:00Z", "object_marking_refs": [TLP_GREEN]}
            fh.write(("," if i else "") + json.dumps(obj))
        fh.write("]}")


def misp_event(path: Path, attributes: int, seed: int = 8) -> None:
    """One MISP event (``{"Event": ...}``) with its attributes, written one by one."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"Event": {"info": "Benchmark event", "date": "2026-10-01", '
                 '"uuid": "5d0092c5-5f74-4287-9642-33f4c354e56e", '
                 '"Tag": [{"name": "tlp:green"}], "Attribute": [')
        for i in range(attributes):
            kind = i % 3
            if kind == 0:
                kind_value = ("ip-dst", f"{rnd.randint(11, 223)}.{rnd.randint(0, 255)}."
                                        f"{rnd.randint(0, 255)}.{rnd.randint(1, 254)}")
            elif kind == 1:
                kind_value = ("domain", f"c2-{i}.example{rnd.randint(1, 99)}.net")
            else:
                kind_value = ("sha256", f"{rnd.getrandbits(256):064x}")
            attribute = {"type": kind_value[0], "category": "Network activity",
                         "to_ids": True, "uuid": _uuid(rnd), "timestamp": "1790000000",
                         "value": kind_value[1], "comment": "seen in campaign"}
            fh.write(("," if i else "") + json.dumps(attribute))
        fh.write("]}}")


def _uuid(rnd: random.Random) -> str:
    h = f"{rnd.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def measure(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    feed, large, bundle = tmp / "feed.txt", tmp / "feed-large.txt", tmp / "bundle.json"
    peer_feed = tmp / "feed-peer.txt"
    url_feed(feed, args.lines)
    url_feed(large, args.lines * 2)
    url_feed(peer_feed, min(args.peer_lines, args.lines))
    stix_bundle(bundle, args.indicators)
    large_bundle, event, large_event = tmp / "bundle-large.json", tmp / "event.json", \
        tmp / "event-large.json"
    stix_bundle(large_bundle, args.indicators * 2)
    misp_event(event, args.attributes)
    misp_event(large_event, args.attributes * 2)
    timed = timed_rounds({
        "feed": (SUBMIT_CHILD, tmp / "a.db", (str(feed), "feed:openphish", "cert")),
        "floor": (STORE_FLOOR, tmp / "floor.db", (str(feed),)),
        "intelmq": (INTELMQ, None, (str(peer_feed),)),
        "feed_parser": (PARSER_ALONE, None, (str(feed), "feed:openphish")),
        "stix": (SUBMIT_CHILD, tmp / "b.db", (str(bundle), "stix", "law-enforcement")),
        "stix2": (STIX2, None, (str(bundle),)),
        "stix_parser": (PARSER_ALONE, None, (str(bundle), "stix")),
        "misp": (SUBMIT_CHILD, tmp / "c.db", (str(event), "misp", "cert")),
    }, args.rounds)
    ours, floor, intelmq = timed["feed"], timed["floor"], timed["intelmq"]
    stix_ours, stix_peer, misp = timed["stix"], timed["stix2"], timed["misp"]
    feed_parser, stix_parser = timed["feed_parser"], timed["stix_parser"]
    ours_large = run_child(SUBMIT_CHILD, str(tmp / "a2.db"), str(large), "feed:openphish",
                           "cert")
    stix_large = run_child(SUBMIT_CHILD, str(tmp / "b2.db"), str(large_bundle), "stix",
                           "law-enforcement")
    misp_large = run_child(SUBMIT_CHILD, str(tmp / "c2.db"), str(large_event), "misp", "cert")
    small_caches = {"INTELPOOL_SQLITE_CACHE_MIB": "8"}
    flat = {f"intelpool_{name}_{size}_size_peak_rss_mib_with_8_mib_caches": round(run_child(
        SUBMIT_CHILD, str(tmp / f"{name}-{size}.db"), str(path), name, "cert",
        env=small_caches)["peak_rss_mib"])
        for name, size, path in (("stix", "single", bundle), ("stix", "double", large_bundle),
                                 ("misp", "single", event), ("misp", "double", large_event))}
    return {
        "rounds": args.rounds,
        "url_feed_lines": args.lines,
        "intelpool_feed_seconds": round(ours["seconds"], 1),
        "intelpool_feed_seconds_runs": ours["runs"],
        "intelpool_feed_selectors_per_s": round(ours["accepted"] / ours["seconds"]),
        "intelpool_feed_process_cpu_seconds": round(ours["cpu_s"], 1),
        "intelpool_feed_peak_rss_mib": round(ours["peak_rss_mib"]),
        "intelpool_feed_double_size_peak_rss_mib": round(ours_large["peak_rss_mib"]),
        "floor_sqlite_alone_same_rows_seconds": round(floor["seconds"], 1),
        "floor_sqlite_alone_seconds_runs": floor["runs"],
        "floor_sqlite_alone_rows_per_s": round(floor["rows"] / floor["seconds"]),
        "ratio_intelpool_end_to_end_time_to_sqlite_alone": round(
            ours["seconds"] / floor["seconds"], 1),
        "peer_intelmq_openphish_parser_lines": intelmq["events"],
        "peer_intelmq_openphish_parser_seconds": round(intelmq["seconds"], 1),
        "peer_intelmq_seconds_runs": intelmq["runs"],
        "peer_intelmq_events_per_s": round(intelmq["events"] / intelmq["seconds"]),
        "peer_intelmq_peak_rss_mib": round(intelmq["peak_rss_mib"]),
        "ratio_intelpool_end_to_end_rate_to_intelmq_parser_rate": round(
            (ours["accepted"] / ours["seconds"]) / (intelmq["events"] / intelmq["seconds"]), 1),
        "context_intelpool_feed_parser_alone_selectors_per_s": round(
            feed_parser["selectors"] / feed_parser["seconds"]),
        "context_ratio_intelpool_parser_alone_rate_to_intelmq_parser_rate": round(
            (feed_parser["selectors"] / feed_parser["seconds"])
            / (intelmq["events"] / intelmq["seconds"]), 1),
        "stix_indicators": args.indicators,
        "intelpool_stix_seconds": round(stix_ours["seconds"], 1),
        "intelpool_stix_seconds_runs": stix_ours["runs"],
        "intelpool_stix_records_per_s": round(args.indicators / stix_ours["seconds"]),
        "intelpool_stix_process_cpu_seconds": round(stix_ours["cpu_s"], 1),
        "intelpool_stix_peak_rss_mib": round(stix_ours["peak_rss_mib"]),
        "intelpool_stix_double_size_peak_rss_mib": round(stix_large["peak_rss_mib"]),
        "peer_stix2_parse_seconds": round(stix_peer["seconds"], 1),
        "peer_stix2_parse_seconds_runs": stix_peer["runs"],
        "peer_stix2_peak_rss_mib": round(stix_peer["peak_rss_mib"]),
        "ratio_stix2_parse_time_to_intelpool_end_to_end": round(
            stix_peer["seconds"] / stix_ours["seconds"], 1),
        "context_intelpool_stix_parser_alone_seconds": round(stix_parser["seconds"], 1),
        "context_ratio_stix2_parse_time_to_intelpool_parser_alone": round(
            stix_peer["seconds"] / stix_parser["seconds"], 1),
        "misp_event_attributes": args.attributes,
        "intelpool_misp_seconds": round(misp["seconds"], 1),
        "intelpool_misp_seconds_runs": misp["runs"],
        "intelpool_misp_attributes_per_s": round(args.attributes / misp["seconds"]),
        "intelpool_misp_peak_rss_mib": round(misp["peak_rss_mib"]),
        "intelpool_misp_double_size_peak_rss_mib": round(misp_large["peak_rss_mib"]),
        **flat,
        "targets": ">= 100,000 selectors/s end to end; >= 10x IntelMQ's parser; >= 20x "
                   "stix2.parse; memory flat in file size",
    }


def measure_postgresql(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """Whole submits into PostgreSQL against the same into the embedded store."""
    inputs = {"feed": (tmp / "feed.txt", "feed:openphish", "cert"),
              "stix": (tmp / "bundle.json", "stix", "law-enforcement"),
              "misp": (tmp / "event.json", "misp", "cert")}
    url_feed(inputs["feed"][0], args.lines)
    stix_bundle(inputs["stix"][0], args.indicators)
    misp_event(inputs["misp"][0], args.attributes)
    runs: dict[str, list[dict[str, Any]]] = {}
    for _ in range(args.rounds):
        for name, (path, fmt, kind) in inputs.items():
            for store in ("sqlite", "postgresql"):
                db = tmp / f"{name}.db"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                target = str(db) if store == "sqlite" else store_url(
                    store, str(tmp), args.postgresql_url, "intelpool_bench_ingest")
                runs.setdefault(f"{name}_{store}", []).append(
                    run_child(SUBMIT_CHILD, target, str(path), fmt, kind))
    result: dict[str, Any] = {"rounds": args.rounds, "url_feed_lines": args.lines,
                              "stix_indicators": args.indicators,
                              "misp_event_attributes": args.attributes,
                              "peer": "the same submit into the embedded store (SQLite)"}
    for name in inputs:
        median = {}
        for store in ("sqlite", "postgresql"):
            timed = sorted(runs[f"{name}_{store}"], key=lambda run: run["seconds"])
            median[store] = timed[len(timed) // 2]
            result[f"{name}_{store}_seconds"] = round(median[store]["seconds"], 2)
            result[f"{name}_{store}_seconds_runs"] = [round(r["seconds"], 2) for r in timed]
            result[f"{name}_{store}_selectors_per_s"] = round(
                median[store]["accepted"] / median[store]["seconds"])
            result[f"{name}_{store}_peak_rss_mib"] = round(median[store]["peak_rss_mib"])
        result[f"ratio_{name}_postgresql_rate_to_embedded_rate"] = round(
            median["sqlite"]["seconds"] / median["postgresql"]["seconds"], 2)
    result["target"] = "PostgreSQL at least as fast as the embedded store (ratios >= 1)"
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--indicators", type=int, default=200_000)
    parser.add_argument("--attributes", type=int, default=400_000)
    parser.add_argument("--peer-lines", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=1,
                        help="timed runs of each side, taking turns; the median is reported")
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgresql-url",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = (measure_postgresql if args.store == "postgresql" else measure)(args, Path(tmp))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        print(f"{key:52} {value}")


if __name__ == "__main__":
    main()
