"""SQLite: the commits on the loop's thread never fold the write-ahead log into the database file (the copy and
its fsyncs held every member's event for 5 to 50 ms); a thread of the database's does, after
``COMMITS_PER_CHECKPOINT`` commits or once commits stop, and it ends with the database."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.stats import StatKind
from storage import wal_checkpointer
from storage.database import SqlDatabase
from tests.conftest import migrated, sql_url
from tests.storage.contract import add_community


def _checkpointers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "murmure-checkpoint"]


def _size(path: Path) -> int:
    return os.path.getsize(path)


async def _grown(path: Path, size: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if _size(path) > size:
            return True
        await asyncio.sleep(0.02)
    return False


async def _count(database: SqlDatabase, community_id: int, days: range) -> None:
    for day in days:
        async with database.unit_of_work() as uow:
            await uow.stats.count(community_id, f"2026-01-{day:04d}", StatKind.POSTED)
            await uow.commit()


async def test_commits_leave_the_checkpoints_to_a_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wal_checkpointer, "QUIET_SECONDS", 60.0)  # only the count of commits, here
    before = set(_checkpointers())
    async with migrated(sql_url("sqlite", tmp_path)) as database:
        for engine in (database.engine, database._recording_engine):
            assert engine is not None
            async with engine.connect() as connection:
                assert (await connection.execute(text("PRAGMA wal_autocheckpoint"))).scalar_one() == 0
        path = tmp_path / "murmure.db"
        community_id = await add_community(database)
        size = _size(path)
        await _count(database, community_id, range(wal_checkpointer.COMMITS_PER_CHECKPOINT - 2))
        await asyncio.sleep(0.2)
        assert _size(path) == size  # nothing folded yet: the log holds it all
        await _count(database, community_id, range(100, 102))
        assert await _grown(path, size)  # the thread folded it (none of the commits could)
        assert len(set(_checkpointers()) - before) == 1
    assert set(_checkpointers()) - before == set()  # ended with the database


async def test_a_few_commits_then_quiet_are_folded_too(tmp_path: Path) -> None:
    async with migrated(sql_url("sqlite", tmp_path)) as database:
        path = tmp_path / "murmure.db"
        community_id = await add_community(database)
        size = _size(path)
        await _count(database, community_id, range(3))
        assert await _grown(path, size, within=wal_checkpointer.QUIET_SECONDS + 5)
