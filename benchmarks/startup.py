"""Start-up time of the command line, beside Python's own start-up (the floor).

Runs, alternately and ``--rounds`` times each: ``python -c pass``, ``intelpool --help``, and
``intelpool search`` on a small embedded pool (two organisations, a few hundred selectors),
each as a fresh process, and prints the median wall time of each with its ratio to the
floor, and the peak memory (max RSS) of each process.

    python benchmarks/startup.py --rounds 21
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _intelpool() -> list[str]:
    found = shutil.which("intelpool", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-c",
                                  "from intelpool.cli.main import run; run()"]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``command``."""
    began, cpu = time.perf_counter(), _cpu()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env)
    return time.perf_counter() - began, _cpu() - cpu


def _small_pool(directory: Path, env: dict[str, str]) -> str:
    url = f"sqlite:///{directory / 'pool.db'}"
    cli = _intelpool()
    lines = [f"198.51.100.{i % 250 + 1}" for i in range(100)] + [
        f"host{i}.shop-example.com" for i in range(200)]
    (directory / "list.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for args in (["init"], ["org", "add", "A", "--kind", "law-enforcement"],
                 ["org", "add", "B", "--kind", "private"],
                 ["user", "add", "a@a.example", "--org", "A", "--role", "contributor"],
                 ["user", "add", "b@b.example", "--org", "B", "--role", "analyst"],
                 ["submit", str(directory / "list.txt"), "--as", "a@a.example", "--tlp",
                  "green"]):
        subprocess.run([*cli, *args, "--db", url], check=True, stdout=subprocess.DEVNULL,
                       env=env)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    rounds = parser.parse_args().rounds
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        url = _small_pool(Path(tmp), env)
        commands = {
            "python -c pass (floor)": [sys.executable, "-c", "pass"],
            "intelpool --help": [*_intelpool(), "--help"],
            "intelpool search (table)": [*_intelpool(), "search", "host7.shop-example.com",
                                         "--as", "b@b.example", "--db", url],
            "intelpool search --json": [*_intelpool(), "search", "198.51.100.7", "--as",
                                        "b@b.example", "--db", url, "--json"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, command in commands.items():  # alternated: load hits all alike
                wall, used = _run(command, env)
                times[name].append(wall)
                cpu[name].append(used)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    floor = statistics.median(times["python -c pass (floor)"])
    cpu_floor = statistics.median(cpu["python -c pass (floor)"])
    print(f"start-up, median of {rounds} runs each (cpus: {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.2f}); CPU time is what a shared machine's "
          "load does not inflate")
    for name, samples in times.items():
        median, used = statistics.median(samples), statistics.median(cpu[name])
        print(f"  {name:26} wall {median * 1000:7.1f} ms ({median / floor:5.1f} x floor, "
              f"min {min(samples) * 1000:6.1f} ms)   CPU {used * 1000:6.1f} ms "
              f"({used / cpu_floor:5.1f} x floor)")
    print(f"  peak memory of any child: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
