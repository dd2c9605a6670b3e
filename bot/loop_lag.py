"""How late the event loop runs what is due, and what held it: the part of a send-to-commit window that is
neither the network nor the database. A send's answer that reaches the process while the loop runs something
else (a handler's scoring, a burst of renders) waits until that is done before the recording can start; the
window's report prints the worst lateness seen meanwhile, so that a window's tail can be told from the loop's.

A watcher thread looks at the loop's thread while it is late (``STALL`` past its wake-up) and notes where it
stood: the code, never a value (file, line and function of the innermost frames), and the garbage collector's
passes are timed apart (a full pass holds the interpreter, and the loop, from start to end). The report names
the place most often seen in the worst stall."""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

EVERY = 0.02  # seconds between two looks (50 wake-ups a second)
STALL = 0.03  # the loop this late past a wake-up is stalled: the watcher notes where it stands
WATCH_EVERY = 0.01  # seconds between two looks of the watcher thread
FRAMES = 6  # innermost frames named for a stall
SAMPLES = 50  # places noted for one stall at most


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
    def __init__(self, every: float = EVERY, stall: float = STALL) -> None:
        self._every = every
        self._stall = stall
        self._worst = 0.0
        self._worst_place = ""
        self._waking_at: float | None = None  # when the loop's next look is due (None: not watching)
        self._places: list[str] = []  # where the watcher found the loop during the current stall
        self._gc_started = 0.0
        self._gc_worst = 0.0
        self._gc_worst_generation = 0
        self._watcher: threading.Thread | None = None
        self._ended = threading.Event()

    def start(self) -> None:
        """The watcher thread started, from the loop's thread, if it is not running yet: the process's
        root starts it before the process takes work (``Thread.start()`` waits on the loop's thread until
        the new thread has run, which on a loaded machine stalled the loop for 100 ms and more)."""
        if self._watcher is not None:
            return
        self._ended = threading.Event()
        self._watcher = threading.Thread(
            target=self._watch,
            args=(threading.get_ident(), self._ended),
            name="murmure-loop-lag",
            daemon=True,
        )
        gc.callbacks.append(self._collected)
        self._watcher.start()

    def stop(self) -> None:
        """The watcher thread told to end (it ends within ``WATCH_EVERY``; nothing waits for it)."""
        if self._watcher is None:
            return
        self._ended.set()
        self._watcher = None
        gc.callbacks.remove(self._collected)

    async def run(self, stop: asyncio.Event) -> None:
        self.start()
        try:
            while not stop.is_set():
                asked = time.perf_counter()
                self._waking_at = asked + self._every
                await asyncio.sleep(self._every)
                late = time.perf_counter() - asked - self._every
                places, self._places = self._places, []
                if late > self._worst:
                    self._worst = late
                    self._worst_place = Counter(places).most_common(1)[0][0] if places else ""
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

    def worst_since_last(self) -> float:
        """The loop's worst lateness in seconds since the last call."""
        worst, self._worst = self._worst, 0.0
        return worst

    def worst_place_since_last(self) -> str:
        """Where the loop stood most often in its worst stall since the last call ("" if none was seen)."""
        place, self._worst_place = self._worst_place, ""
        return place

    def worst_collection_since_last(self) -> tuple[float, int]:
        """The garbage collector's longest pass since the last call: seconds, and its generation."""
        worst = (self._gc_worst, self._gc_worst_generation)
        self._gc_worst, self._gc_worst_generation = 0.0, 0
        return worst
