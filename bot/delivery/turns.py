"""Turns for the deliveries' units of work: a few at a time, deliveries already under way first.

A burst starts dozens of deliveries at once, each with a first transaction (a look at the secret), a wait
for the platform, then more transactions (the claim, the card). Served in the order asked, every
delivery's first transaction went before any delivery's second, so no card left until all of them had
been looked at; served with the deliveries already under way first, cards leave as soon as each is ready,
and a delivery holds its turn no longer either way.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque


class Turns:
    """At most ``at_once`` holders; a waiter whose delivery is ``under_way`` goes before those whose
    delivery is not, each kind first come, first served."""

    def __init__(self, at_once: int) -> None:
        self._free = at_once
        self._waiting: tuple[deque[asyncio.Future[None]], deque[asyncio.Future[None]]] = (deque(), deque())

    async def acquire(self, under_way: bool) -> None:
        if self._free > 0 and not any(self._waiting):
            self._free -= 1
            return
        turn = asyncio.get_running_loop().create_future()
        queue = self._waiting[0 if under_way else 1]
        queue.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # given to it as it was cancelled: passed on
            else:
                with contextlib.suppress(ValueError):
                    queue.remove(turn)
            raise

    def release(self) -> None:
        for queue in self._waiting:
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)  # handed over: never free in between
                    return
        self._free += 1
