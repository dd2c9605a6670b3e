"""The console's start (issue 14, point 6: under 0.8 s): `murmure run` with stdin closed, each run a new
process, so what is timed is the start of the process, the database opened (created and migrated on the
first run), the demo group registered and the sweep, then the exit.

    python benchmarks/console_start_bench.py [--runs 7] [--imports]

Prints the first start (a new data folder: keys generated, schema created) and the median, least and
largest of the next ``--runs`` starts (the folder kept), in wall time and in CPU time of the process, with
its peak RSS and the load average before and after: on a shared machine the wall time is mostly waiting
for a core, the CPU time is the steadier figure. Bytecode is written and read as an installed package's
would be (``PYTHONDONTWRITEBYTECODE`` is dropped for the child; one start before the first run compiles
what changed). ``--imports`` then lists the costliest imports of one start (``python -X importtime``).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMAND = [sys.executable, "-m", "murmure.cli", "run"]


def start(folder: Path, env: dict[str, str], *extra: str) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MiB, stderr) of one `murmure run < /dev/null` in ``folder``: the child's
    own usage, read when it is reaped (``os.wait4``)."""
    with open(os.devnull, "rb") as nothing, tempfile.TemporaryFile() as errors:
        began = time.perf_counter()
        child = subprocess.Popen(
            [COMMAND[0], *extra, *COMMAND[1:]],
            cwd=folder,
            env=env,
            stdin=nothing,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if child.returncode != 0:
        raise SystemExit(f"murmure run failed ({child.returncode}): {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, err  # ru_maxrss: KiB on Linux


def load() -> str:
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def costliest_imports(report: str, count: int = 15) -> list[str]:
    """The top-level imports of a start (those directly below ``murmure.cli``'s run) by cumulative time."""
    rows = []
    for line in report.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if found and len(found.group(3)) <= 3:
            rows.append((int(found.group(2)), found.group(4)))
    return [f"{micro / 1000:7.1f} ms  {name}" for micro, name in sorted(rows, reverse=True)[:count]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--imports", action="store_true")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as scratch:
        warm_up = Path(scratch) / "warm-up"
        warm_up.mkdir()
        start(warm_up, env)  # compiles what changed since the last start (as an install would have)
        folder = Path(scratch) / "demo"
        folder.mkdir()
        print(f"load average before: {load()}")
        wall, cpu, rss, _ = start(folder, env)
        print(f"first start (new data folder): {wall:.2f} s wall, {cpu:.2f} s CPU")
        walls, cpus = [], []
        for _ in range(args.runs):
            wall, cpu, rss, _ = start(folder, env)
            walls.append(wall)
            cpus.append(cpu)
        print(
            f"start, {args.runs} runs: median {statistics.median(walls):.2f} s wall "
            f"({min(walls):.2f}-{max(walls):.2f}), {statistics.median(cpus):.2f} s CPU "
            f"({min(cpus):.2f}-{max(cpus):.2f}); peak RSS {rss:.0f} MiB (goal: under 0.8 s)"
        )
        print(f"load average after: {load()}")
        if args.imports:
            _, _, _, report = start(folder, env, "-X", "importtime")
            print("costliest imports of one start (cumulative, top level):")
            print("\n".join(costliest_imports(report)))


if __name__ == "__main__":
    main()
