"""The worker threads share one malloc arena (``murmure/worker_threads.py``, ``fewer_malloc_arenas``): glibc
gave each thread an arena of its own, and each kept the 16 MiB of a key derivation (scrypt) once made in it,
so the process's RSS grew by that much for each worker thread that derived a member's keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# six worker threads alive together, each deriving keys three times, one derivation at a time (as
# ``DERIVATIONS_AT_ONCE`` has them on two cores); the process's RSS afterwards, in MiB
PROBE = """
import hashlib, sys, threading
from murmure.worker_threads import fewer_malloc_arenas
if sys.argv[1] == "fewer" and not fewer_malloc_arenas():
    sys.exit(3)
turn, ready = threading.Lock(), threading.Barrier(6)
def derive():
    ready.wait()
    for _ in range(3):
        with turn:
            hashlib.scrypt(b"person", salt=b"label", n=2**14, r=8, p=1, dklen=64)
threads = [threading.Thread(target=derive) for _ in range(6)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS")) // 1024)
"""


def _rss_after_derivations(arenas: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, arenas], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode == 3:
        pytest.skip("not glibc: its arenas are not what this is about")
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc arenas")
def test_worker_threads_deriving_keys_keep_one_arena_s_memory_not_one_each() -> None:
    each, shared = _rss_after_derivations("many"), _rss_after_derivations("fewer")
    assert each - shared >= 32  # six arenas of 16 MiB kept, against one or two
