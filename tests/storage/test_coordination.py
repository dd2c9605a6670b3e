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


async def test_an_event_is_handled_by_one_process_once_and_taken_over_from_one_that_stopped(
    shared: tuple[SqlDatabase, SqlDatabase],
) -> None:
    now = [datetime(2026, 12, 1, 9, 0, tzinfo=UTC)]
    a = SqlCoordination(shared[0].engine, KEY, lambda: now[0])
    b = SqlCoordination(shared[1].engine, KEY, lambda: now[0])
    claims = await asyncio.gather(
        *(c.take_event("bot", n, name, 15) for n in range(20) for c, name in ((a, "a"), (b, "b"), (a, "a2")))
    )
    assert sum(claim.mine for claim in claims) == 20  # each of the 20 events once, wherever it came first
    assert not any(claim.handled for claim in claims)  # the others: in progress, by its holder
    assert {claim.holder for claim in claims if not claim.mine} <= {"a", "b", "a2"}

    assert (await a.take_event("bot", 21, "a", 15)).mine
    in_progress = await b.take_event("bot", 21, "b", 15)
    assert (in_progress.mine, in_progress.handled, in_progress.holder) == (False, False, "a")
    now[0] += timedelta(seconds=10)
    await a.keep_events("a")  # still handling it
    now[0] += timedelta(seconds=10)
    assert not (await b.take_event("bot", 21, "b", 15)).mine
    await a.event_done("bot", 21, "a")
    done = await b.take_event("bot", 21, "b", 15)
    assert (done.mine, done.handled) == (False, True)
    now[0] += timedelta(minutes=30)
    assert (await b.take_event("bot", 21, "b", 15)).handled  # a handled event is never taken over

    assert (await a.take_event("bot", 22, "a", 15)).mine
    now[0] += timedelta(seconds=16)  # a died handling it: no longer renewed
    assert (await b.take_event("bot", 22, "b", 15)).mine
    await a.event_done("bot", 22, "a")  # a's late word changes nothing: b holds it
    assert not (await a.take_event("bot", 22, "a", 15)).handled
    assert (await a.take_event("bot", 23, "a", 15)).mine
    assert (await b.take_event("bot", 23, "b", 15, replacing="a")).mine  # a is known to be dead
    await b.event_done("bot", 23, "b", handled=False)  # given up: the next delivery handles it
    assert (await a.take_event("bot", 23, "a", 15)).mine
    assert (await b.take_event("other-bot", 23, "b", 15)).mine


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
