"""SQLite run on the event loop's own thread, its writers taking turns through one lock per database file.

aiosqlite gives each connection a thread and sends it every call (cursor, execute, fetch, close, commit)
through a queue: four or five round trips between threads for one statement, which cost far more than the
statement (an indexed SQLite statement takes microseconds; a hop between threads tens of them, and much
more on a busy machine, where the woken thread waits for the interpreter lock). Here the same aiosqlite
connection runs each call at once, on the caller's thread: a statement costs what SQLite takes.

Running on the loop's thread, a statement must never wait for SQLite's own write lock (its busy handler
would sleep the whole loop, and with it the transaction holding the lock). So the writers of one database
file take turns in the process first: a connection takes ``WriterLock`` before its first write (INSERT,
UPDATE, DELETE, DDL, a checkpoint) and gives it back when its transaction ends (commit, rollback, close),
in the order they asked, instead of SQLite's busy-retry storm when fifty use cases write at once; the
recording of what a platform just did goes before those waiting (it closes the send-to-commit window).
Readers never wait (WAL: a reader reads the last commit). Only another process writing the same file (a
``murmure`` command while the bot runs) makes SQLite wait, for ``BUSY_TIMEOUT_MS`` at most.

What the loop's thread gives up: a long statement (a sweep over a large table, a checkpoint) holds the loop
while it runs; the feeds and the sweep have indexes that keep them to milliseconds (benchmarks/feeds_bench).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

import aiosqlite

BUSY_TIMEOUT_MS = 1000  # another process holding the write lock: SQLite waits this long, then "locked"
WRITER_WAIT_SECONDS = 5.0  # a writer waiting this long for its turn in the process fails as SQLite would

# the statements that take SQLite's write lock (those that start with these words)
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "PRAGMA WAL_CHECKPOINT")


_WRITING: dict[str, bool] = {}  # by statement: the same few are sent over and over


def writes(sql: str) -> bool:
    found = _WRITING.get(sql)
    if found is None:
        found = sql.lstrip()[:21].upper().startswith(_WRITES)
        if len(_WRITING) < 10_000:
            _WRITING[sql] = found
    return found


class Turns:
    """Whose turn it is to write, given in the order asked, except that an urgent writer (the recording of
    what a platform just did: the send-to-commit window) goes before every writer still waiting."""

    def __init__(self) -> None:
        self._held = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._waiting: deque[asyncio.Future[None]] = deque()

    def locked(self) -> bool:
        return self._held

    async def acquire(self, urgent: bool = False) -> None:
        if not self._held and not self._urgent and not self._waiting:
            self._held = True
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._waiting).append(turn)
        try:
            await turn
        except BaseException:
            if turn.done() and not turn.cancelled():
                self.release()  # given the turn as it was cancelled: passed on
            else:
                (self._urgent if urgent else self._waiting).remove(turn)
            raise

    def release(self) -> None:
        for queue in (self._urgent, self._waiting):
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)  # the turn passes on: still held
                    return
        self._held = False


class WriterLock:
    """One per database file and event loop: whose turn it is to write."""

    _locks: ClassVar[dict[tuple[str, int], Turns]] = {}

    @classmethod
    def of(cls, path: str) -> Turns:
        loop = asyncio.get_running_loop()
        key = (path, id(loop))
        lock = cls._locks.get(key)
        if lock is None:
            # entries of loops that are gone are dropped (tests run one loop after another)
            for stale in [k for k in cls._locks if k[0] == path]:
                del cls._locks[stale]
            lock = cls._locks[key] = Turns()
        return lock


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run on the caller's thread (no worker thread is started)."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], path: str, urgent: bool = False) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._path = path
        self._urgent = urgent
        self._writer: Turns | None = None  # held while this connection's transaction writes

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        if self._writer is None and args and isinstance(args[0], str) and writes(args[0]):
            await self._take_turn()
        try:
            return fn(*args, **kwargs)
        finally:
            if self._writer is not None and not self._connection.in_transaction:
                self._give_turn()  # committed, rolled back, or a statement outside any transaction

    async def _take_turn(self) -> None:
        lock = WriterLock.of(self._path)
        try:
            async with asyncio.timeout(WRITER_WAIT_SECONDS):
                await lock.acquire(self._urgent)
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None
        self._writer = lock

    def _give_turn(self) -> None:
        lock, self._writer = self._writer, None
        if lock is not None:
            lock.release()

    async def _connect(self) -> InlineConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self) -> Any:
        return self._connect().__await__()

    def stop(self) -> asyncio.Future[Any] | None:
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._give_turn()
        return None

    async def close(self) -> None:
        self.stop()

    def __del__(self) -> None:
        # No thread holds this connection (aiosqlite's would keep it alive for ever): one that SQLAlchemy
        # dropped without closing it (a task cancelled while it had it checked out) is collected, and
        # closed then, as sqlite3 closes its own, instead of aiosqlite's ResourceWarning at collection.
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def connector(database: str, urgent: bool = False) -> Callable[[], Awaitable[InlineConnection]]:
    """What ``create_async_engine(async_creator=...)`` calls for each new connection to ``database``;
    ``urgent``: its writers go before those waiting (``Turns``)."""
    path = os.path.abspath(database)

    async def connect() -> InlineConnection:
        def open_file() -> sqlite3.Connection:
            return sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)

        return await InlineConnection(open_file, path, urgent)._connect()

    return connect
