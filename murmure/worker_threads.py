"""The worker threads of ``asyncio.to_thread`` (and of the loop's own ``getaddrinfo``), all started before
the process takes work.

asyncio's default pool starts a thread each time it is handed a call while none of its threads is idle, up
to its size, and ``Thread.start()`` waits, on the event loop's thread, until the new thread has run: on a
loaded machine the scheduler may not run it for 100 to 200 ms, and the loop stood still that long (measured
in a chaos run on PostgreSQL: 184 ms in ``threading.py start`` under ``to_thread``, while a card's recording
waited inside its send-to-commit window). A restart's first burst of members (each deriving a key in a
thread) started them one after the other. Started here at once, before the first update is taken, the pool
never starts one again."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

WORKERS = min(32, (os.cpu_count() or 1) + 4)  # asyncio's default pool's size
STARTED_WITHIN = 30.0  # seconds: a pool whose threads are not all running by then is used as it is
# glibc's malloc gives threads arenas of their own, up to 8 a core, and an arena keeps what it once held: a
# key derivation (scrypt, 16 MiB) in each of the pool's threads left that much in each arena (the process's
# peak RSS while delivering 154.5 MiB against 129.7 MiB with one arena, telegram_limits_bench's busy group)
MALLOC_ARENAS = 2  # the main thread's, and one that the worker threads share
_M_ARENA_MAX = -8  # mallopt's parameter (malloc.h)


def started_executor(workers: int = WORKERS) -> ThreadPoolExecutor:
    """A pool of ``workers`` threads, each running already: every call handed to it finds one idle."""
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="murmure-worker")
    # each call waits for all the others: none of the threads is idle before the last one is started, so
    # each call starts a thread of its own
    together = threading.Barrier(workers)

    def wait_for_the_others() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait(STARTED_WITHIN)

    for waiting in [executor.submit(wait_for_the_others) for _ in range(workers)]:
        waiting.result()
    return executor


def fewer_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """glibc's malloc held to ``arenas`` arenas (as ``MALLOC_ARENA_MAX`` does), before the worker threads
    allocate; False where the C library is not glibc (nothing changed)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_ARENA_MAX, arenas))


def start_worker_threads(workers: int = WORKERS) -> None:
    """The running loop's default pool replaced by one whose threads are running already, sharing one malloc
    arena (``fewer_malloc_arenas``)."""
    fewer_malloc_arenas()
    asyncio.get_running_loop().set_default_executor(started_executor(workers))
