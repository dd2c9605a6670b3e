"""How late the event loop runs what is due: the part of a send-to-commit window that is neither the network
nor the database. A send's answer that reaches the process while the loop runs something else (a handler's
scoring, a burst of renders) waits until that is done before the recording can start; the window's report
prints the worst lateness seen meanwhile, so that a window's tail can be told from the loop's."""

from __future__ import annotations

import asyncio
import time

EVERY = 0.02  # seconds between two looks (50 wake-ups a second)


class LoopLag:
    def __init__(self, every: float = EVERY) -> None:
        self._every = every
        self._worst = 0.0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            asked = time.perf_counter()
            await asyncio.sleep(self._every)
            self._worst = max(self._worst, time.perf_counter() - asked - self._every)

    def worst_since_last(self) -> float:
        """The loop's worst lateness in seconds since the last call."""
        worst, self._worst = self._worst, 0.0
        return worst
