"""Long polling that confirms an update to Telegram only once it has been handled.

python-telegram-bot's updater puts a fetched batch in a queue and at once asks for the next one, which
confirms the whole batch to Telegram: a process killed then loses every update fetched but not yet handled
(DMs never previewed, presses spinning for ever). Here updates are handled as the application's update
processor allows (members side by side, each member's in order), and the offset given to Telegram is the
lowest update not yet handled: what was fetched and not handled is sent again after a kill. While updates
are in progress the next fetch waits for one to finish (at most ``REFETCH_EVERY``), and updates Telegram
sends again while still in progress are not started twice. A kill makes Telegram send again only what was
in progress, plus what finished since the last fetch.

An update the library can't read (a field it requires missing, as an older self-hosted Bot API server
sends) is skipped with one line naming nothing in it, instead of failing the batch for ever; its content is
never logged (python-telegram-bot's own parse failure logs the raw batch, so it is not called).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, TelegramError
from telegram.ext import Application

from adapters.telegram.handled import HandledUpdates
from bot.logsafe import where

log = logging.getLogger(__name__)

# seconds: while updates are in progress, the longest the next fetch waits for one to finish. Telegram answers
# such a fetch at once (it sends what is in progress again), so this is also how long a member's message that
# arrives meanwhile may wait before it is fetched: short, at the cost of a fetch every 50 ms while busy.
REFETCH_EVERY = 0.05
MAX_BACKOFF = 30.0
BATCH = 100


class Poller:
    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        *,
        timeout: int,
        poll_interval: float,
        allowed_updates: Sequence[str],
        handled: HandledUpdates | None = None,
    ) -> None:
        self._app = application
        # updates handled before a restart, skipped when Telegram sends them again (``HandledUpdates``)
        self._handled = handled
        self._checking = handled is not None  # until a batch brings none handled before
        self._timeout = timeout
        self._interval = poll_interval
        self._allowed = list(allowed_updates)
        self._offset: int | None = None  # what the next fetch confirms: the lowest update not handled
        self._taken = 0  # the highest update id started
        self._in_progress: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._finished = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        # the updates of the first batch (what waited for this process) not handled yet; None before it
        self._backlog: set[int] | None = None
        self._caught_up = asyncio.Event()

    async def start(self) -> None:
        await self._app.bot.delete_webhook(drop_pending_updates=False)
        self._stopping.clear()
        self._task = asyncio.create_task(self._run())

    async def caught_up(self) -> None:
        """Returns once the updates that waited for this process (its first batch) are handled."""
        await self._caught_up.wait()

    def halt(self) -> None:
        """Stops fetching (another process took the polling over); what is in progress finishes."""
        self._stopping.set()

    async def stop(self) -> None:
        """Stops polling once the update being handled is done; confirms what was handled."""
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None
        if self._tasks:
            await asyncio.wait(list(self._tasks))
        if self._handled is not None:
            await self._handled.close()
        self._offset = self._taken + 1 if self._taken else None
        if self._offset is not None:
            try:
                await self._fetch(wait=0, limit=1)  # confirms everything handled
            except TelegramError as error:
                log.warning("telegram: the last offset was not confirmed: %s", where(error))

    async def _fetch(self, *, wait: int, limit: int = BATCH) -> list[Any]:
        data: dict[str, Any] = {"timeout": wait, "limit": limit, "allowed_updates": self._allowed}
        if self._offset is not None:
            data["offset"] = self._offset
        # the raw batch: python-telegram-bot's get_updates fails on one update it can't read, logging all
        result = await self._app.bot._post("getUpdates", data, read_timeout=wait + 10.0)
        return result if isinstance(result, list) else []

    async def _run(self) -> None:
        backoff = 1.0
        while not self._stopping.is_set():
            try:
                batch = await self._poll()
            except InvalidToken:
                log.error("telegram: the token was refused; polling stops")
                return
            except Conflict:
                log.error(
                    "telegram: another process polls this bot's updates with the same token; only one may "
                    "(run one poller, or the webhook mode for several workers)"
                )
                await self._pause(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            except TelegramError as error:
                log.warning("telegram: polling failed, retrying: %s", where(error))
                await self._pause(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            await self._handle(batch)
            if self._interval:
                await self._pause(self._interval)

    async def _poll(self) -> list[Any]:
        # the first fetch does not wait for an update: what waited for the process comes at once, and when
        # nothing did, ``caught_up`` says so at once (a long poll held it, and the outbox, its timeout)
        wait = self._timeout if self._backlog is not None else 0
        fetch = asyncio.ensure_future(self._fetch(wait=wait))
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait([fetch, stop], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
        if not fetch.done():
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)
            return []
        return fetch.result()

    async def _handled_before(self, batch: list[Any]) -> set[int]:
        """The updates of ``batch`` handled before this process fetched them (sent again after a restart):
        looked up in the first batches after a start, until one brings none."""
        if self._handled is None or not self._checking:
            return set()
        fresh = [
            raw["update_id"]
            for raw in batch
            if isinstance(raw, dict)
            and isinstance(raw.get("update_id"), int)
            and raw["update_id"] > self._taken
        ]
        if not fresh:
            return set()
        before = await self._handled.among(fresh)
        if not before:
            self._checking = False
        return before

    async def _handle(self, batch: list[Any]) -> None:
        before = await self._handled_before(batch)
        for raw in batch:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if not isinstance(update_id, int):
                log.warning("telegram: an update without an id was skipped")
                continue
            if update_id <= self._taken:
                continue  # in progress, sent again because the offset stays below it
            self._taken = update_id
            if update_id in before:
                continue  # handled before a restart, sent again because it was not confirmed yet
            try:
                update = Update.de_json(raw, self._app.bot)
            except Exception as error:
                # the kind of failure only: the exception's text quotes the update
                log.warning(
                    "telegram: an update the library can't read was skipped (%s)", type(error).__name__
                )
                continue
            self._in_progress.add(update_id)
            task = asyncio.create_task(self._process(update_id, update))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        if self._backlog is None:
            self._backlog = set(self._in_progress)
            if not self._backlog:
                self._caught_up.set()
        self._offset = (
            min(self._in_progress) if self._in_progress else self._taken + 1 if self._taken else None
        )
        if self._in_progress:
            # the next fetch would bring back what is in progress at once: wait for some of it first
            self._finished.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._finished.wait(), REFETCH_EVERY)
            self._offset = min(self._in_progress) if self._in_progress else self._taken + 1

    async def _process(self, update_id: int, update: Update) -> None:
        try:
            processor = self._app.update_processor
            await processor.process_update(update, self._app.process_update(update))
        except Exception as error:  # handlers' errors go to the error handler; this is anything else
            log.error("telegram: an update failed: %s", where(error))
        else:
            if self._handled is not None:
                self._handled.done(update_id)
        finally:
            self._in_progress.discard(update_id)
            self._finished.set()
            if self._backlog:
                self._backlog.discard(update_id)
                if not self._backlog:
                    self._caught_up.set()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
