"""The send-to-commit window's report says how late the event loop ran meanwhile (``bot/loop_lag.py``), so
that a window's tail can be told from the loop's: a stall of the loop is seen, and counted once."""

from __future__ import annotations

import asyncio
import time

from bot.loop_lag import LoopLag


async def test_a_stall_of_the_event_loop_is_seen_and_counted_once() -> None:
    lag = LoopLag(every=0.01)
    stop = asyncio.Event()
    watching = asyncio.create_task(lag.run(stop))
    await asyncio.sleep(0.03)
    time.sleep(0.1)  # noqa: ASYNC251 - the stall itself: nothing on the loop runs meanwhile
    await asyncio.sleep(0.03)
    stop.set()
    await watching
    assert lag.worst_since_last() >= 0.08
    assert lag.worst_since_last() == 0.0
