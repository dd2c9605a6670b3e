"""On SQLite the pool keeps the connections a burst opened (the next burst finds them open); on PostgreSQL it
keeps ``POSTGRES_KEPT`` (each is a server process, of the server's few), and a connection that sat unused
past ``IDLE_BEFORE_PING_SECONDS`` is tried before its use: one the server closed meanwhile is replaced, and
the unit of work taking it runs as if nothing happened."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import event, text

from storage import database as database_module
from storage.database import SqlDatabase
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


@pytest.mark.postgres
async def test_on_postgresql_a_burst_opens_what_it_needs_and_leaves_a_few_open(tmp_path: Path) -> None:
    async with migrated(sql_url("postgresql", tmp_path)) as database:
        assert len(await _burst(database, 30)) == 30  # none waited for another's connection
        assert database.engine.pool.checkedin() == database_module.POSTGRES_KEPT  # type: ignore[attr-defined]


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
