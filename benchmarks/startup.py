"""Start-up time of the command line, beside Python's own start-up (the floor).

Runs, alternately and ``--rounds`` times each: ``python -c pass``, ``intelpool --help``, and
``intelpool search`` on a small embedded pool (two organisations, a few hundred selectors),
each as a fresh process, and prints the median wall time of each with its ratio to the
floor, and the peak memory (max RSS) of each process. The intelpool commands run twice: on
their own, and handed to a start-up daemon (``intelpool daemon start``); a command the daemon
runs spends its CPU in a fork of the daemon, so only its wall time is comparable.

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
    """The installed script when it is this checkout's launcher, else the same call."""
    found = shutil.which("intelpool", path=str(Path(sys.executable).parent))
    if found and "intelpool.cli.launch" in Path(found).read_text(errors="replace"):
        return [found]
    return [sys.executable, "-c", "from intelpool.cli.launch import run; run()"]


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
        alone = {**env, "INTELPOOL_NO_DAEMON": "1"}
        daemon = {**env, "INTELPOOL_RUNTIME_DIR": str(Path(tmp) / "rt")}
        (Path(tmp) / "rt").mkdir(mode=0o700)
        subprocess.run([*_intelpool(), "daemon", "start"], check=True, env=daemon,
                       stdout=subprocess.DEVNULL)
        commands: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass (floor)": ([sys.executable, "-c", "pass"], env)}
        for suffix, how in (("", alone), (" [daemon]", daemon)):
            commands |= {
                f"intelpool --help{suffix}": ([*_intelpool(), "--help"], how),
                f"intelpool search (table){suffix}": (
                    [*_intelpool(), "search", "host7.shop-example.com", "--as", "b@b.example",
                     "--db", url], how),
                f"intelpool search --json{suffix}": (
                    [*_intelpool(), "search", "198.51.100.7", "--as", "b@b.example", "--db",
                     url, "--json"], how)}
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        try:
            for _ in range(rounds):
                for name, (command, how) in commands.items():  # alternated: load hits all alike
                    wall, used = _run(command, how)
                    times[name].append(wall)
                    cpu[name].append(used)
        finally:
            subprocess.run([*_intelpool(), "daemon", "stop"], env=daemon,
                           stdout=subprocess.DEVNULL)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    floor = statistics.median(times["python -c pass (floor)"])
    cpu_floor = statistics.median(cpu["python -c pass (floor)"])
    print(f"start-up, median of {rounds} runs each (cpus: {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.2f}); CPU time is what a shared machine's "
          "load does not inflate")
    for name, samples in times.items():
        median, used = statistics.median(samples), statistics.median(cpu[name])
        cpu_text = ("CPU in the daemon's fork" if "daemon" in name
                    else f"CPU {used * 1000:6.1f} ms ({used / cpu_floor:5.1f} x floor)")
        print(f"  {name:35} wall {median * 1000:7.1f} ms ({median / floor:5.1f} x floor, "
              f"min {min(samples) * 1000:6.1f} ms)   {cpu_text}")
    print(f"  peak memory of any child: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
