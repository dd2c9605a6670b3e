"""Messages per second of the default text filter on the EN/FR corpora (one process, ~3 seconds).

Run from the repository root: ``python benchmarks/moderation_bench.py``. Prints messages per second of
this process's CPU time (one core: what the filter costs, whatever else runs on the machine) and per
second of wall-clock time (lower when other processes share the cores).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.moderation import default_filter  # noqa: E402

DURATION = 3.0
CORPORA = [ROOT / "tests" / "moderation" / f"corpus_{lang}.tsv" for lang in ("en", "fr")]


def main() -> None:
    texts = [
        line.split("\t")[2]
        for path in CORPORA
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    text_filter = default_filter()
    for text in texts:  # warm up caches
        text_filter.check(text)
    checked = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    elapsed = 0.0
    while elapsed < DURATION:
        for text in texts:
            text_filter.check(text)
        checked += len(texts)
        elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(
        f"{checked} messages in {elapsed:.2f} s: {checked / cpu:,.0f} messages per CPU-second on one core, "
        f"{checked / elapsed:,.0f} per wall-clock second (single process)"
    )


if __name__ == "__main__":
    main()
