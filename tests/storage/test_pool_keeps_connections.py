"""On SQLite the pool keeps the connections a burst opened (the next burst finds them open); on PostgreSQL it
keeps them too while the bot is busy, and ``lingering_pool.KEPT`` once quiet (each is a server process, of
the server's few); a connection that sat unused past ``IDLE_BEFORE_PING_SECONDS`` is tried before its use:
one the server closed meanwhile is replaced, and the unit of work taking it runs as if nothing happened."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import event, text

from storage import database as database_module
from storage.database import SqlDatabase
from storage.lingering_pool import KEPT, LINGER_SECONDS, LingeringPool
from storage.raw import Raw
from tests.conftest import migrated, sql_url


async def _burst(database: SqlDatabase, size: int) -> set[int]:
    """``size`` units of work holding a connection at once; the driver connections they had."""
    held = asyncio.Event()
    seen: set[int] = set()
    waiting = 0

    async def one() -> None:
        nonlocal waiting
        async with database.unit_of_work() as uow:
            connection = await uow._session.connection()
            seen.add(id((await connection.get_raw_connection()).dbapi_connection))
            waiting += 1
            if waiting == size:
                held.set()
            await held.wait()

    await asyncio.gather(*(one() for _ in range(size)))
    return seen


async def test_on_sqlite_a_burst_finds_the_connections_the_last_one_opened(tmp_path: Path) -> None:
    async with migrated(sql_url("sqlite", tmp_path)) as database:
        opened: list[object] = []
        event.listen(database.engine.sync_engine, "connect", lambda *_: opened.append(1))
        first = await _burst(database, 30)
        assert len(first) == 30
        after_first = len(opened)  # (the migration's connection is kept too)
        second = await _burst(database, 30)
        assert second == first  # the same 30, none opened again
        assert len(opened) == after_first


class _Driver:
    """A driver's connection, as the pool handles it (rolled back at its return, closed)."""

    def __init__(self) -> None:
        self.closed = False

    def rollback(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def test_a_pool_keeps_a_bursts_connections_until_quiet_then_closes_those_over_the_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [0.0]
    monkeypatch.setattr(LingeringPool, "now", staticmethod(lambda: now[0]))
    opened: list[_Driver] = []

    def connect() -> _Driver:
        opened.append(_Driver())
        return opened[-1]

    pool = LingeringPool(connect, pool_size=50, max_overflow=0)

    def burst(size: int) -> None:
        for held in [pool.connect() for _ in range(size)]:
            held.close()

    burst(30)
    now[0] = LINGER_SECONDS - 1
    burst(30)
    assert len(opened) == 30 and not any(driver.closed for driver in opened)  # none opened again
    burst(KEPT)  # a quiet time: no more than KEPT at once...
    now[0] += LINGER_SECONDS - 1
    burst(1)
    assert pool.checkedin() == 30  # ... but not for long enough
    now[0] += 1
    for _ in range(30):
        burst(1)  # the dispatcher's polls, one at a time
    assert pool.checkedin() == KEPT
    assert sum(driver.closed for driver in opened) == 30 - KEPT and len(opened) == 30
    burst(KEPT + 1)  # busy again: one more opened, and kept
    assert len(opened) == 31 and pool.checkedin() == KEPT + 1


@pytest.mark.postgres
async def test_on_postgresql_a_burst_opens_what_it_needs_and_the_next_finds_them_open(
    tmp_path: Path,
) -> None:
    async with migrated(sql_url("postgresql", tmp_path)) as database:
        opened: list[object] = []
        event.listen(database.engine.sync_engine, "connect", lambda *_: opened.append(1))
        first = await _burst(database, 30)
        assert len(first) == 30  # none waited for another's connection
        after_first = len(opened)  # (the migration's connection is kept too)
        assert await _burst(database, 30) == first  # the same 30, none opened again
        assert len(opened) == after_first
        assert isinstance(database.engine.pool, LingeringPool)  # (a few left open once quiet: above)


@pytest.mark.postgres
async def test_a_connection_closed_by_the_server_while_idle_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with migrated(sql_url("postgresql", tmp_path)) as database:
        async with database.engine.connect() as other:
            async with database.engine.connect() as connection:
                pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            # back in the pool, first in line for the next use: the server closes it there
            await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        await asyncio.sleep(0.1)
        monkeypatch.setattr(database_module, "IDLE_BEFORE_PING_SECONDS", 0.0)
        async with database.unit_of_work() as uow:
            row = await Raw(uow._session).one("SELECT pg_backend_pid()")
            assert row is not None and row[0] != pid
            await uow.commit()


@pytest.mark.postgres
async def test_a_connection_used_a_moment_ago_is_not_pinged(tmp_path: Path) -> None:
    async with migrated(sql_url("postgresql", tmp_path)) as database:
        pings: list[object] = []
        dialect = database.engine.dialect
        real_ping = dialect.do_ping

        def counted(connection: object) -> bool:
            pings.append(connection)
            return real_ping(connection)

        dialect.do_ping = counted  # type: ignore[method-assign]
        for _ in range(3):
            async with database.unit_of_work() as uow:
                await Raw(uow._session).rows("SELECT 1")
                await uow.commit()
        assert pings == []
