"""The updates a poller handled, marked in the database, so that those Telegram sends again after a restart
are not handled twice.

The poller confirms an update to Telegram only once it is handled, and it confirms the lowest update still in
progress: after a kill, Telegram sends again what was in progress and everything after it, handled or not (a
slow update holds back the confirmation of every later one). Handled again, a reaction's tap undid itself, a
reply link put its member back into writing a reply (their next secret became a reply), a DM made a second
draft. Here each handled update is marked in the database within ``MARK_EVERY`` (a few marks in one small
transaction), and the first batches after a start skip the updates marked: only a kill within that moment of
an update's end hands it over again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from bot.coordination import Coordination
from bot.logsafe import where

log = logging.getLogger(__name__)

MARK_EVERY = 0.1  # seconds: the marks of the updates handled meanwhile go in one transaction


class HandledUpdates:
    def __init__(self, coordination: Coordination, source: str, every: float = MARK_EVERY) -> None:
        self._coordination, self._source, self._every = coordination, source, every
        self._pending: set[int] = set()
        self._marking: asyncio.Task[None] | None = None

    async def among(self, update_ids: Sequence[int]) -> set[int]:
        """Which of ``update_ids`` were handled before (by this process or one before it)."""
        try:
            return await self._coordination.handled_among(self._source, update_ids)
        except Exception as error:  # handled as if new: what the poller did before marks existed
            log.warning("telegram: the updates handled before could not be read: %s", where(error))
            return set()

    def done(self, update_id: int) -> None:
        self._pending.add(update_id)
        if self._marking is None or self._marking.done():
            self._marking = asyncio.create_task(self._mark_soon())

    async def _mark_soon(self) -> None:
        await asyncio.sleep(self._every)
        await self._mark()

    async def _mark(self) -> None:
        ids, self._pending = sorted(self._pending), set()
        try:
            await self._coordination.mark_handled(self._source, ids)
        except Exception as error:  # not marked: handled again only if Telegram sends them again
            log.warning("telegram: %d handled updates were not marked: %s", len(ids), where(error))

    async def close(self) -> None:
        """Marks what is pending now (on stop)."""
        if self._marking is not None and not self._marking.done():
            self._marking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._marking
        if self._pending:
            await self._mark()
