"""A member's taps on one reaction handled at the same moment by two processes (two webhook workers, two
Discord shards) on one database: each tap toggles, so an even number of taps leaves no reaction and an odd
number leaves one, and no tap fails (on PostgreSQL two inserts of the same reaction at once failed the second
with a unique-key error, answered 'Something went wrong')."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.model import Reaction
from storage.database import SqlDatabase
from tests.conftest import migrated
from tests.storage.contract import KEY, OTHER, add_community, add_secret


@pytest.fixture
async def shared(database_url: str) -> AsyncIterator[tuple[SqlDatabase, SqlDatabase]]:
    """Two processes' connections to one migrated database."""
    async with migrated(database_url) as first:
        second = SqlDatabase.from_url(database_url)
        try:
            yield first, second
        finally:
            await second.dispose()


async def _tap(database: SqlDatabase, secret_id: int, reactor: str, started: asyncio.Event | None = None,
               go: asyncio.Event | None = None) -> bool:  # fmt: skip
    async with database.unit_of_work() as uow:
        added = await uow.reactions.toggle(secret_id, reactor, Reaction.HEART)
        if started is not None and go is not None:
            started.set()
            await go.wait()  # the other process's tap is made while this one is not committed yet
        await uow.commit()
    return added


async def test_a_double_tap_in_two_processes_at_once_cancels_out(
    shared: tuple[SqlDatabase, SqlDatabase],
) -> None:
    first, second = shared
    secret_id = await add_secret(first, await add_community(first))
    started, go = asyncio.Event(), asyncio.Event()
    one = asyncio.create_task(_tap(first, secret_id, KEY, started, go))
    await started.wait()
    other = asyncio.create_task(_tap(second, secret_id, KEY))
    await asyncio.sleep(0.3)  # on PostgreSQL it waits for the first one's row
    go.set()
    results = await asyncio.gather(one, other)
    assert sorted(results) == [False, True]
    async with first.unit_of_work() as uow:
        assert (await uow.reactions.counts(secret_id)).heart == 0


async def test_many_taps_at_once_over_two_processes_leave_their_parity(
    shared: tuple[SqlDatabase, SqlDatabase],
) -> None:
    first, second = shared
    secret_id = await add_secret(first, await add_community(first))
    # seven taps of one member (one left), six of another (none left), spread over both processes: three or
    # more at once once made a tap lost (one removal found the row another had just removed)
    taps = [(KEY, (first, second)[n % 2]) for n in range(7)] + [
        (OTHER, (second, first)[n % 2]) for n in range(6)
    ]
    await asyncio.gather(*(_tap(database, secret_id, reactor) for reactor, database in taps))
    async with first.unit_of_work() as uow:
        assert (await uow.reactions.counts(secret_id)).heart == 1
