"""SQLite's writers take turns in the process (storage/sqlite_inline.py), in the order they asked, except
the recording of what a platform just did (the commit closing the send-to-commit window), which goes before
every writer still waiting: behind one transaction, not behind a queue of them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from storage.database import SqlDatabase
from storage.sqlite_inline import Turns
from tests.conftest import migrated


async def test_an_urgent_writer_goes_before_those_waiting() -> None:
    turns = Turns()
    order: list[str] = []
    await turns.acquire()

    async def writer(name: str, urgent: bool) -> None:
        await turns.acquire(urgent)
        order.append(name)
        await asyncio.sleep(0)
        turns.release()

    tasks = [asyncio.create_task(writer(f"member {n}", False)) for n in range(3)]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(writer("recording", True)))
    await asyncio.sleep(0)
    turns.release()
    await asyncio.gather(*tasks)
    assert order == ["recording", "member 0", "member 1", "member 2"]
    assert not turns.locked()


async def test_a_writer_cancelled_while_waiting_gives_up_its_place() -> None:
    turns = Turns()
    await turns.acquire()
    waiting = asyncio.create_task(turns.acquire())
    after = asyncio.create_task(turns.acquire())
    await asyncio.sleep(0)
    waiting.cancel()
    await asyncio.sleep(0)
    turns.release()
    await asyncio.wait_for(after, 1)
    turns.release()
    assert not turns.locked()


async def test_the_recording_connections_write_before_the_pools_waiting_writers(tmp_path: Path) -> None:
    async with migrated(f"sqlite+aiosqlite:///{tmp_path / 'murmure.db'}") as database:
        assert isinstance(database, SqlDatabase)
        order: list[str] = []
        holder = database.unit_of_work()
        await holder.__aenter__()
        await holder.outbox.beat(datetime.now(UTC))  # a write: this transaction holds the turn

        async def member(n: int) -> None:
            async with database.unit_of_work() as uow:
                await uow.outbox.beat(datetime.now(UTC))
                order.append(f"member {n}")
                await uow.commit()

        async def recording() -> None:
            async with database.recording() as uow:
                await uow.outbox.beat(datetime.now(UTC))
                order.append("recording")
                await uow.commit()

        members = [asyncio.create_task(member(n)) for n in range(3)]
        await asyncio.sleep(0.05)
        recorded = asyncio.create_task(recording())
        await asyncio.sleep(0.05)
        assert order == []  # all wait for the holder
        await holder.commit()
        await holder.__aexit__(None, None, None)
        await asyncio.gather(recorded, *members)
        assert order[0] == "recording"
        async with database.engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM instances"))).scalar_one() >= 1
