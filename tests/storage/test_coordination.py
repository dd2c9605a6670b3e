"""What processes sharing one database agree on through it (issue 16, point 6), on SQLite and PostgreSQL:
a lease one holder at a time, an event seen once over every process, and send windows never overrun by
several processes sending at once (each "process" here is its own engine and pool)."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.coordination import Window
from storage.coordination import SqlCoordination
from storage.database import SqlDatabase
from tests.conftest import migrated

KEY = b"k" * 32


@pytest.fixture
async def shared(database_url: str) -> AsyncIterator[tuple[SqlDatabase, SqlDatabase]]:
    """Two processes' connections to one migrated database."""
    async with migrated(database_url) as first:
        second = SqlDatabase.from_url(database_url)
        try:
            yield first, second
        finally:
            await second.dispose()


async def test_a_lease_has_one_holder_until_it_runs_out_is_given_back_or_its_holder_is_known_dead(
    shared: tuple[SqlDatabase, SqlDatabase],
) -> None:
    now = [datetime(2026, 12, 1, 9, 0, tzinfo=UTC)]
    a = SqlCoordination(shared[0].engine, KEY, lambda: now[0])
    b = SqlCoordination(shared[1].engine, KEY, lambda: now[0])
    assert await a.hold_lease("poller", "a", 15) is None
    held = await b.hold_lease("poller", "b", 15)
    assert held is not None and held.holder == "a" and held.until == now[0] + timedelta(seconds=15)
    now[0] += timedelta(seconds=10)
    assert await a.hold_lease("poller", "a", 15) is None  # renewed
    now[0] += timedelta(seconds=10)
    assert await b.hold_lease("poller", "b", 15) is not None  # renewed 10 s ago: still a's
    now[0] += timedelta(seconds=6)
    assert await b.hold_lease("poller", "b", 15) is None  # a stopped renewing: it ran out
    assert await a.hold_lease("poller", "a", 15) is not None
    await b.release_lease("poller", "a")  # not a's to give back any more: nothing happens
    assert await a.hold_lease("poller", "a", 15) is not None
    await b.release_lease("poller", "b")
    assert await a.hold_lease("poller", "a", 15) is None  # given back: taken at once
    assert await b.hold_lease("poller", "b", 15, replacing="a") is None  # a is known to be dead
    assert await a.hold_lease("other", "a", 15) is None  # another name, another lease


async def test_an_event_is_seen_first_by_one_process_only(shared: tuple[SqlDatabase, SqlDatabase]) -> None:
    a, b = SqlCoordination(shared[0].engine, KEY), SqlCoordination(shared[1].engine, KEY)
    sightings = await asyncio.gather(*(c.first_sight("bot", n) for n in range(20) for c in (a, b, a, b)))
    assert sightings.count(True) == 20  # each of the 20 events once, wherever it was seen first
    assert await a.first_sight("bot", 21) and not await b.first_sight("bot", 21)
    assert await b.first_sight("other-bot", 21)


async def test_send_windows_hold_over_several_processes_whatever_each_message_takes_to_arrive(
    shared: tuple[SqlDatabase, SqlDatabase],
) -> None:
    """Senders in two processes, each message taking 0 to 60 ms to arrive: in any 0.5 s the platform never
    gets more than 5 over all, nor more than 3 for the one chat."""
    processes = [SqlCoordination(db.engine, KEY) for db in shared]
    overall = Window("bot", 5, 0.5)
    arrivals: list[tuple[float, bool]] = []
    rng = random.Random(7)

    async def send(coordination: SqlCoordination, to_chat: bool) -> None:
        windows = [overall, Window("bot:chat", 3, 0.5)] if to_chat else [overall]
        while True:
            slot, wait = await coordination.take_send_slot(windows)
            if slot:
                break
            await asyncio.sleep(wait)
        await asyncio.sleep(rng.uniform(0, 0.03))
        arrivals.append((time.monotonic(), to_chat))  # the platform counts it here
        await asyncio.sleep(rng.uniform(0, 0.03))
        await coordination.sent(slot)

    started = time.monotonic()
    await asyncio.gather(*(send(processes[n % 2], n % 3 == 0) for n in range(40)))
    took = time.monotonic() - started
    arrivals.sort()
    for i, (moment, _) in enumerate(arrivals):
        within = [a for a in arrivals[i:] if a[0] - moment < 0.5]
        assert len(within) <= 5
        assert sum(1 for a in within if a[1]) <= 3
    assert took < 40 / 5 * 0.5 + 3  # and not much slower than the windows allow (40 sends, 5 per 0.5 s)
