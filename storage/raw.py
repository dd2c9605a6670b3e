"""Statements sent straight to the driver, for what runs at every post and every tap.

SQLAlchemy's execution path (the session, the compiled cache's key, parameter and result processing, the ORM's
loading) costs ten times what an indexed statement costs SQLite, and more than the round trip to a local
PostgreSQL. The statements the members' use cases send most are written here once, in the SQL both engines
share (``?`` for a parameter, turned into ``$1``... for asyncpg), and run on the connection of the unit of
work's session: in its transaction, committed or rolled back with everything else it did.

Values are converted as the column types of ``storage.tables`` store them: times as naive UTC (SQLite: text
in SQLAlchemy's format, so that both compare and read back alike), read back as aware UTC.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Boolean, Column, Table
from sqlalchemy.ext.asyncio import AsyncSession

from storage.types import UtcDateTime

_WITHOUT_WAITING = "SET LOCAL synchronous_commit = off"
_DRIVER = "murmure.raw"  # in the session's info: this unit of work's driver connection
_PLACEHOLDER = re.compile(r"\?")
_NUMBERED: dict[str, str] = {}


def numbered(sql: str) -> str:
    """``?`` placeholders as asyncpg's ``$1``, ``$2``..."""
    found = _NUMBERED.get(sql)
    if found is None:
        counter = iter(range(1, 1000))
        found = _NUMBERED[sql] = _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)
    return found


_AS_IS = frozenset({str, int, bytes, float, bool, type(None)})


def _sqlite_value(value: Any) -> Any:
    if type(value) in _AS_IS:
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _postgres_value(value: Any) -> Any:
    if type(value) in _AS_IS:  # most of them (asked first: this runs for every parameter of every statement)
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def utc(value: Any) -> datetime | None:
    """A stored time (SQLite's text, PostgreSQL's naive timestamp) as an aware UTC time."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC)


def released(session: AsyncSession) -> None:
    """The session's transaction ended (committed, rolled back): its connection went back to the pool, and
    the next statement takes the one the session begins its next transaction on."""
    session.info.pop(_DRIVER, None)


class Raw:
    """The unit of work's driver connection (taken once per session), for statements in ``?`` style."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _driver(self) -> tuple[bool, Any, Any]:
        found = self._session.info.get(_DRIVER)
        pending = self._session.sync_session._new  # objects the ORM holds unsent go first, in order
        if found is None:
            if pending:
                await self._session.flush()
            connection = await self._session.connection()
            # checked out and begun just now: read as is, with no pass through the async layer's greenlet
            sync = connection.sync_connection
            assert sync is not None
            adapted = sync.connection.dbapi_connection
            found = self._session.info[_DRIVER] = (connection.dialect.name == "sqlite", adapted, sync)
        elif pending:
            await self._session.flush()
        return found

    @staticmethod
    def _told(connection: Any, sql: str, params: tuple[Any, ...]) -> None:
        """Listeners of the engine's statements hear these too (the benchmarks count them)."""
        if not (connection._has_events or connection.engine._has_events):
            return  # none (as SQLAlchemy checks before it looks its listeners up)
        listeners = connection.dispatch.before_cursor_execute
        if listeners:
            listeners(connection, None, sql, params, None, False)

    async def on_sqlite(self) -> bool:
        """SQLite (else PostgreSQL): where one statement can do what takes two on the other."""
        sqlite, _, _ = await self._driver()
        return bool(sqlite)

    async def rows(self, sql: str, *params: Any) -> list[Sequence[Any]]:
        """The rows a statement returns (a SELECT, or a write with RETURNING)."""
        sqlite, adapted, connection = await self._driver()
        self._told(connection, sql, params)
        if sqlite:
            inline = adapted.driver_connection
            cursor: sqlite3.Cursor = await inline._execute(
                inline._conn.execute, sql, tuple(_sqlite_value(p) for p in params)
            )
            return cursor.fetchall()
        async with adapted._execute_mutex:
            if adapted._transaction is None:
                await adapted._start_transaction()
            try:
                return list(
                    await adapted.driver_connection.fetch(
                        numbered(sql), *(_postgres_value(p) for p in params)
                    )
                )
            except Exception as error:
                adapted._handle_exception(error)
                raise

    async def run(self, sql: str, *params: Any) -> int:
        """A write; how many rows it changed."""
        sqlite, adapted, connection = await self._driver()
        self._told(connection, sql, params)
        if sqlite:
            inline = adapted.driver_connection
            cursor: sqlite3.Cursor = await inline._execute(
                inline._conn.execute, sql, tuple(_sqlite_value(p) for p in params)
            )
            return int(cursor.rowcount)
        async with adapted._execute_mutex:
            if adapted._transaction is None:
                await adapted._start_transaction()
            try:
                status = await adapted.driver_connection.execute(
                    numbered(sql), *(_postgres_value(p) for p in params)
                )
            except Exception as error:
                adapted._handle_exception(error)
                raise
        last = str(status).rsplit(" ", 1)[-1]
        return int(last) if last.isdigit() else 0

    async def commit_without_waiting(self) -> None:
        """PostgreSQL: the transaction committed with no wait for its WAL to reach the disk, ``SET LOCAL
        synchronous_commit = off`` and ``COMMIT`` sent as one query (one round trip where the two statements
        took two); a transaction never begun on the server has nothing to commit. The session's commit that
        follows finds the driver's transaction over and sends nothing. A failed COMMIT ends the transaction
        (rolled back by the server) as asyncpg's own commit does: state failed, no transaction left."""
        _, adapted, connection = await self._driver()
        async with adapted._execute_mutex:
            transaction = adapted._transaction
            if transaction is None:
                return
            states = type(transaction._state)  # asyncpg's TransactionState
            self._told(connection, _WITHOUT_WAITING, ())
            adapted._transaction = None
            driver = adapted.driver_connection
            if driver._top_xact is transaction:
                driver._top_xact = None
            try:
                await driver.execute(_WITHOUT_WAITING + "; COMMIT")
            except Exception as error:
                transaction._state = states.FAILED
                adapted._handle_exception(error)
                raise
            transaction._state = states.COMMITTED

    async def postgres(self) -> bool:
        return not (await self._driver())[0]

    async def alone(self, sql: str, *params: Any) -> list[Sequence[Any]]:
        """The rows of a statement that is its unit of work's first: on PostgreSQL it runs with no BEGIN
        before it, committed as it runs (one round trip, where BEGIN, the statement and COMMIT take three),
        and nothing may follow it in that unit; on SQLite (no round trips) as ``rows`` does. Inside a
        transaction already begun, in it."""
        sqlite, adapted, connection = await self._driver()
        if sqlite:
            return await self.rows(sql, *params)
        self._told(connection, sql, params)
        async with adapted._execute_mutex:
            try:  # no transaction begun here: asyncpg commits a statement run outside one
                fetched = await adapted.driver_connection.fetch(
                    numbered(sql), *(_postgres_value(p) for p in params)
                )
                return list(fetched)
            except Exception as error:
                adapted._handle_exception(error)
                raise

    async def one(self, sql: str, *params: Any) -> Sequence[Any] | None:
        found = await self.rows(sql, *params)
        return found[0] if found else None


class Reader:
    """Reads whole rows of a table in its columns' order, as objects with the columns' names."""

    def __init__(self, table: Table) -> None:
        self.table = table.name
        self._columns: list[Column[Any]] = list(table.columns)
        self.names = [column.name for column in self._columns]
        self.columns = ", ".join(self.names)
        self._times = [isinstance(c.type, UtcDateTime) for c in self._columns]
        self._flags = [isinstance(c.type, Boolean) for c in self._columns]

    def select(self, where: str) -> str:
        return f"SELECT {self.columns} FROM {self.table} WHERE {where}"  # noqa: S608 (names and ``?`` only)

    def read(self, row: Sequence[Any]) -> Any:
        values = {}
        for name, value, time, flag in zip(self.names, row, self._times, self._flags, strict=True):
            if time:
                value = utc(value)
            elif flag and value is not None:
                value = bool(value)
            elif isinstance(value, memoryview):
                value = bytes(value)
            values[name] = value
        return SimpleNamespace(**values)
