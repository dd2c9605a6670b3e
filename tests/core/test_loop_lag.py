"""The send-to-commit window's report says how late the event loop ran meanwhile (``bot/loop_lag.py``), so
that a window's tail can be told from the loop's: a stall of the loop is seen and counted once, told from a
loop that waited (for the machine, for another thread) by the CPU its thread had, with where it stood when
asked, and the collector's passes are timed."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable

from bot.loop_lag import LoopLag, Stall


async def _worst_around(lag: LoopLag, stall: Callable[[], object]) -> Stall:
    """``stall()`` run on the loop while ``lag`` watches it; the worst lateness it saw."""
    stop = asyncio.Event()
    watching = asyncio.create_task(lag.run(stop))
    await asyncio.sleep(0.03)
    stall()
    await asyncio.sleep(0.03)
    stop.set()
    await watching
    return lag.worst_since_last()


def _sleeping_for_a_while() -> None:
    time.sleep(0.15)  # nothing on the loop runs meanwhile, and its thread runs nothing either


def _spinning_for_a_while() -> None:
    started = time.thread_time()  # the thread's own CPU: on a loaded machine its wall time is longer
    while time.thread_time() - started < 0.12:
        pass


async def test_a_stall_of_the_event_loop_is_seen_and_counted_once() -> None:
    lag = LoopLag(every=0.01)
    worst = await _worst_around(lag, _sleeping_for_a_while)
    assert worst.late >= 0.12
    assert worst.loop_cpu < worst.late / 2  # it waited: the loop's thread ran nothing meanwhile
    assert worst.place == ""  # not watched
    assert lag.worst_since_last().late == 0.0


async def test_a_stall_that_ran_code_is_told_from_one_that_waited() -> None:
    worst = await _worst_around(LoopLag(every=0.01), _spinning_for_a_while)
    assert worst.late >= 0.1
    # the loop's thread ran code all along (on a loaded machine, for a part of the stall's wall time only)
    assert worst.loop_cpu >= 0.1
    assert worst.process_cpu >= worst.loop_cpu - 0.001  # the two clocks' resolutions differ


async def test_a_stall_is_told_with_where_the_loop_stood_and_code_only() -> None:
    lag = LoopLag(every=0.01, stall=0.02, places=True)
    place = (await _worst_around(lag, _sleeping_for_a_while)).place
    assert "_sleeping_for_a_while" in place
    assert "core/test_loop_lag.py:" in place
    assert lag.worst_since_last().place == ""


async def test_the_longest_garbage_collection_is_timed_with_its_generation() -> None:
    lag = LoopLag(every=0.01)
    await _worst_around(lag, gc.collect)
    took, generation = lag.worst_collection_since_last()
    assert took > 0.0
    assert generation == 2
    assert lag.worst_collection_since_last() == (0.0, 0)
