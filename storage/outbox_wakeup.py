"""Who is woken after a commit that wrote to the outbox: this process's dispatchers at once and, on
PostgreSQL, every other process's too (notified by the outbox's INSERT, storage/repositories/outbox.py, sent
with the commit; heard on one LISTEN connection)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

CHANNEL = "murmure_outbox"


class OutboxWakeup:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._listeners: list[Callable[[], None]] = []
        self._across_processes = engine.dialect.name == "postgresql"
        self._listening_task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()  # set once other processes' commits are heard

    def add(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)
        if self._across_processes and self._listening_task is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop yet: this process's commits only; the dispatcher's poll finds the rest
            self._listening_task = loop.create_task(self._listen())

    def after_commit(self) -> None:
        for listener in self._listeners:
            listener()

    def _heard(self, *_: Any) -> None:
        self.after_commit()

    async def _listen(self) -> None:
        try:
            async with self._engine.connect() as connection:
                driver = (await connection.get_raw_connection()).driver_connection
                assert driver is not None
                await driver.add_listener(CHANNEL, self._heard)
                self.listening.set()
                try:
                    await asyncio.Event().wait()  # until closed
                finally:
                    with contextlib.suppress(Exception):
                        await asyncio.shield(driver.remove_listener(CHANNEL, self._heard))
        except Exception as error:
            log.warning("outbox notifications unavailable (%s): polling only", type(error).__name__)

    async def close(self) -> None:
        if self._listening_task is not None:
            self._listening_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listening_task
            self._listening_task = None
