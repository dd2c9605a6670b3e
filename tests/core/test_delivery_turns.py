"""The deliveries' turns at the database: a few at a time, the deliveries already under way first."""

from __future__ import annotations

import asyncio

from bot.delivery.turns import Turns


async def test_a_delivery_under_way_goes_before_one_not_started_and_each_kind_in_order() -> None:
    turns = Turns(1)
    await turns.acquire(under_way=False)  # held
    order: list[str] = []

    async def wait(name: str, under_way: bool) -> None:
        await turns.acquire(under_way)
        order.append(name)

    waiting = [
        asyncio.create_task(wait(name, under_way))
        for name, under_way in (("new 1", False), ("new 2", False), ("going 1", True), ("going 2", True))
    ]
    await asyncio.sleep(0)
    for _ in waiting:
        turns.release()
        await asyncio.sleep(0)
    await asyncio.gather(*waiting)
    assert order == ["going 1", "going 2", "new 1", "new 2"]


async def test_at_once_holders_at_most_and_a_cancelled_waiter_passes_its_turn_on() -> None:
    turns = Turns(2)
    await turns.acquire(under_way=False)
    await turns.acquire(under_way=False)
    cancelled = asyncio.create_task(turns.acquire(under_way=True))
    later = asyncio.create_task(turns.acquire(under_way=False))
    await asyncio.sleep(0)
    assert not cancelled.done() and not later.done()  # two held: both wait
    turns.release()  # given to the first waiter...
    cancelled.cancel()  # ...cancelled before it ran: the turn goes to the next one
    await asyncio.gather(cancelled, return_exceptions=True)
    await asyncio.wait_for(later, 1)
    turns.release()
    turns.release()
    await turns.acquire(under_way=False)  # both free again, and no more
    await turns.acquire(under_way=False)
    third = asyncio.create_task(turns.acquire(under_way=False))
    await asyncio.sleep(0)
    assert not third.done()
    third.cancel()
    await asyncio.gather(third, return_exceptions=True)
