"""Shared benchmark plumbing: synthetic inputs, child-process timing with peak memory."""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def selector_lines(count: int, seed: int = 7) -> list[str]:
    """A realistic mix of selector types, some defanged, some repeated."""
    rnd = random.Random(seed)
    words = ["cdn", "login", "secure", "update", "mail", "pay", "portal", "acct", "verify"]
    tlds = ["com", "net", "org", "info", "ru", "top", "xyz", "io"]
    lines = []
    for i in range(count):
        kind = i % 6
        if kind == 0:
            lines.append(f"{rnd.randint(1, 223)}.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}."
                         f"{rnd.randint(1, 254)}")
        elif kind == 1:
            lines.append(f"{rnd.choice(words)}-{i}.{rnd.choice(words)}{rnd.randint(1, 99)}"
                         f".{rnd.choice(tlds)}")
        elif kind == 2:
            lines.append(f"hxxp://{rnd.choice(words)}{i}[.]{rnd.choice(tlds)}/"
                         f"{rnd.choice(words)}/{rnd.getrandbits(32):x}.php")
        elif kind == 3:
            lines.append(f"{rnd.getrandbits(256):064x}")
        elif kind == 4:
            lines.append(f"{rnd.getrandbits(128):032x}")
        else:
            lines.append(f"{rnd.choice(words)}{i}@{rnd.choice(words)}.{rnd.choice(tlds)}")
    return lines


def run_child(code: str, *args: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; returns its JSON result plus its peak RSS in MiB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{proc.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    # ru_maxrss of children is the largest child so far: valid when this child is the largest.
    result["peak_rss_mib"] = max(peak, before) / 1024
    result["wall_s"] = wall
    return result


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
