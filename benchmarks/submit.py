"""Submit a 1,000,000-line selector list into the embedded SQLite pool.

Prints selectors per second and peak memory of the submitting process, and the ratio against
a floor peer measured in the same run: Python's sqlite3 inserting the same raw lines into one
indexed table with no refanging, type detection, validation or handling at all.

    .venv/bin/python -m benchmarks.submit [--lines N] [--json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from benchmarks.common import SUBMIT_CHILD, run_child, selector_lines, write_lines

FLOOR = """
import json, sqlite3, sys, time
db, path = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db)
conn.execute("CREATE TABLE selectors (id INTEGER PRIMARY KEY, value TEXT UNIQUE)")
started = time.perf_counter()
with open(path, encoding="utf-8") as fh, conn:
    conn.executemany("INSERT OR IGNORE INTO selectors (value) VALUES (?)",
                     ((line.strip(),) for line in fh))
print(json.dumps({"seconds": time.perf_counter() - started}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "selectors.txt"
        write_lines(source, selector_lines(args.lines))
        floor = run_child(FLOOR, str(Path(tmp) / "floor.db"), str(source))
        ours = run_child(SUBMIT_CHILD, str(Path(tmp) / "pool.db"), str(source), "text",
                         "law-enforcement")
    result = {
        "lines": args.lines,
        "intelpool_seconds": round(ours["seconds"], 2),
        "intelpool_selectors_per_s": round(args.lines / ours["seconds"]),
        "intelpool_peak_rss_mib": round(ours["peak_rss_mib"]),
        "accepted": ours["accepted"], "duplicates": ours["duplicates"],
        "rejected": ours["rejected"],
        "peer": "sqlite3 raw insert of the same lines (no parsing, no handling)",
        "peer_seconds": round(floor["seconds"], 2),
        "ratio_intelpool_time_to_peer": round(ours["seconds"] / floor["seconds"], 2),
        "targets": "under 30 s and under 1 GiB for 1,000,000 lines",
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        print(f"{key:32} {value}")


if __name__ == "__main__":
    main()
