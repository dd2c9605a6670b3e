"""How late the event loop runs what is due, and what held it: the part of a send-to-commit window that is
neither the network nor the database. A send's answer that reaches the process while the loop runs something
else (a handler's scoring, a burst of renders) waits until that is done before the recording can start; the
window's report prints the worst lateness seen meanwhile, so that a window's tail can be told from the loop's.

For the worst lateness it also says how much CPU the loop's thread and the whole process had meanwhile: the
loop's thread busy all along ran code (what held it); the process busy but not that thread, another thread
held the interpreter; neither, the system gave the process no CPU (a loaded machine). The garbage collector's
passes are timed apart (a pass holds the interpreter, and the loop, from start to end). With ``places``, a
watcher thread looks at the loop's thread while it is late (``STALL`` past its wake-up) and notes where it
stood: the code, never a value (file, line and function of the innermost frames); the report names the place
most often seen in the worst stall. The watcher is off unless asked (``[logging] watch_loop``): its look
every ``WATCH_EVERY`` takes the interpreter from the loop's thread, which on a loaded machine made the loop's
worst lateness longer (per second over 10 s, at a load of 4.5 to 5.4: 52 to 122 ms with it, 26 to 65 ms
without)."""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EVERY = 0.02  # seconds between two looks (50 wake-ups a second)
STALL = 0.03  # the loop this late past a wake-up is stalled: the watcher notes where it stands
WATCH_EVERY = 0.01  # seconds between two looks of the watcher thread
FRAMES = 6  # innermost frames named for a stall
SAMPLES = 50  # places noted for one stall at most


@dataclass(frozen=True)
class Stall:
    """The loop's worst lateness over a period, in seconds, with the CPU its thread and the process had
    during it (the look's interval and the lateness), and where the watcher found the loop ("" if it did
    not look)."""

    late: float = 0.0
    loop_cpu: float = 0.0
    process_cpu: float = 0.0
    place: str = ""


def _place(frame: Any) -> str:
    """The innermost frames, as ``folder/file.py:line function`` joined by ``<``: code only, no value."""
    names: list[str] = []
    while frame is not None and len(names) < FRAMES:
        code = frame.f_code
        path = Path(code.co_filename)
        names.append(f"{path.parent.name}/{path.name}:{frame.f_lineno} {code.co_name}")
        frame = frame.f_back
    return " < ".join(names)


class LoopLag:
    def __init__(self, every: float = EVERY, stall: float = STALL, *, places: bool = False) -> None:
        self._every = every
        self._stall = stall
        self._places_asked = places
        self._worst = Stall()
        self._waking_at: float | None = None  # when the loop's next look is due (None: not watching)
        self._places: list[str] = []  # where the watcher found the loop during the current stall
        self._gc_started = 0.0
        self._gc_worst = 0.0
        self._gc_worst_generation = 0
        self._started = False
        self._watcher: threading.Thread | None = None
        self._ended = threading.Event()

    def start(self) -> None:
        """The collector's passes timed from now and, with ``places``, the watcher thread started (from the
        loop's thread), if not done yet: the process's root does it before the process takes work
        (``Thread.start()`` waits on the loop's thread until the new thread has run, which on a loaded
        machine stalled the loop for 100 ms and more)."""
        if self._started:
            return
        self._started = True
        gc.callbacks.append(self._collected)
        if not self._places_asked:
            return
        self._ended = threading.Event()
        self._watcher = threading.Thread(
            target=self._watch,
            args=(threading.get_ident(), self._ended),
            name="murmure-loop-lag",
            daemon=True,
        )
        self._watcher.start()

    def stop(self) -> None:
        """The collector's passes no longer timed, and the watcher thread told to end (it ends within
        ``WATCH_EVERY``; nothing waits for it)."""
        if not self._started:
            return
        self._started = False
        gc.callbacks.remove(self._collected)
        self._ended.set()
        self._watcher = None

    async def run(self, stop: asyncio.Event) -> None:
        self.start()
        try:
            while not stop.is_set():
                asked = time.perf_counter()
                loop_cpu, process_cpu = time.thread_time(), time.process_time()
                self._waking_at = asked + self._every
                await asyncio.sleep(self._every)
                late = time.perf_counter() - asked - self._every
                places, self._places = self._places, []
                if late > self._worst.late:
                    self._worst = Stall(
                        late,
                        time.thread_time() - loop_cpu,
                        time.process_time() - process_cpu,
                        Counter(places).most_common(1)[0][0] if places else "",
                    )
        finally:
            self._waking_at = None
            self.stop()

    def _watch(self, loop_thread: int, ended: threading.Event) -> None:
        while not ended.wait(WATCH_EVERY):
            due = self._waking_at
            if due is None or time.perf_counter() - due < self._stall or len(self._places) >= SAMPLES:
                continue
            frame = sys._current_frames().get(loop_thread)
            if frame is not None:
                self._places.append(_place(frame))

    def _collected(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
            return
        took = time.perf_counter() - self._gc_started
        if took > self._gc_worst:
            self._gc_worst, self._gc_worst_generation = took, info.get("generation", 0)

    def worst_since_last(self) -> Stall:
        """The loop's worst lateness since the last call, what CPU it had and where it stood."""
        worst, self._worst = self._worst, Stall()
        return worst

    def worst_collection_since_last(self) -> tuple[float, int]:
        """The garbage collector's longest pass since the last call: seconds, and its generation."""
        worst = (self._gc_worst, self._gc_worst_generation)
        self._gc_worst, self._gc_worst_generation = 0.0, 0
        return worst
