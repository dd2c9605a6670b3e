"""PostgreSQL's pool: the connections a burst opened stay open while the bot is busy, and those over ``KEPT``
are closed once it has been quiet for ``LINGER_SECONDS``.

Each connection is a server process (its start costs the server a fork and a cold catalog cache, and the bot
a handshake and the preparing again of every statement it sends), and the server's 100 are shared by every
process of the bot. SQLAlchemy's own pool keeps ``pool_size`` and closes any other at its return whenever
``pool_size`` wait unused: under 50 use cases at once, whose number in use swings around that size, it
closed and opened one every few posts (44 of each for 250 posts at concurrency 50), each new one slower
than the use case it served.

Here a connection is closed at its return only when the pool has had no more than ``KEPT`` in use since
``LINGER_SECONDS`` and more than ``KEPT`` are open. Connections are taken first in, first out, as before: the
one taken is the one unused longest, so a quiet time's returns (the dispatcher polls every second or so)
close those the burst left first, and the ``KEPT`` that stay take turns, each with its statements prepared
for the next burst."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry

KEPT = 10  # open connections left once quiet (each process of the bot)
LINGER_SECONDS = 30.0  # how long after the last burst its connections stay open


class LingeringPool(AsyncAdaptedQueuePool):
    now: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._busy_at = -math.inf  # the last time more than KEPT were in use

    def _do_get(self) -> ConnectionPoolEntry:
        record = super()._do_get()
        if self.checkedout() > KEPT:
            self._busy_at = self.now()
        return record

    def _do_return_conn(self, record: ConnectionPoolEntry) -> None:
        open_now = self.size() + self._overflow  # (the one returned counted)
        if open_now > KEPT and self.now() - self._busy_at >= LINGER_SECONDS:
            try:
                record.close()
            finally:
                self._dec_overflow()
            return
        super()._do_return_conn(record)
