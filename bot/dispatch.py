"""Delivering the outbox: claiming due entries, handing each to its type's delivery, retrying with back-off.

What each message looks like and where it goes is in ``bot/delivery/``; this module knows only leases,
attempts, back-off and what to do when a chat is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import timedelta

from bot.anonymity import Sealer
from bot.delivery import delivery_of
from bot.delivery.context import ChatGone, CommunityChat, DeliveryContext, ModeratorsChat, NotYet
from bot.delivery.moderators import NO_MODERATION_CHAT_RETRY
from bot.logsafe import where
from bot.ports import Clock, Database, DeliveryError, Messenger, OutboxEntry, UnitOfWork

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=120)
BATCH = 10  # claimed at once: delivered well within the lease even behind a platform's rate limit
MAX_ATTEMPTS = 30  # then an entry is failed for good (about four hours of back-off)
MAX_BACKOFF = timedelta(minutes=10)


class Dispatcher:
    def __init__(
        self,
        database: Database,
        messengers: Mapping[str, Messenger],
        sealer: Sealer,
        clock: Clock,
        edit_intervals: Mapping[str, timedelta] | None = None,
    ) -> None:
        self._db = database
        self._sealer = sealer
        self._clock = clock
        self._context = DeliveryContext(database, messengers, sealer, clock, edit_intervals)

    async def run_once(self, limit: int = BATCH) -> int:
        """Deliver what is due now; returns how many entries were handled."""
        now = self._clock.now()
        async with self._db.unit_of_work() as uow:
            entries = await uow.outbox.claim_due(now, limit, now + LEASE)
            await uow.commit()
        for entry in entries:
            await self._handle(entry)
        return len(entries)

    async def drain(self, max_rounds: int = 100) -> None:
        for _ in range(max_rounds):
            if await self.run_once() == 0:
                return

    async def run_forever(self, stop: asyncio.Event, idle_seconds: float = 0.5) -> None:
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except Exception as error:
                log.error("outbox round failed: %s", where(error))
                handled = 0
            if handled == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), idle_seconds)

    async def _handle(self, entry: OutboxEntry) -> None:
        kind = type(entry.message).__name__
        delivery = delivery_of(entry.message)
        try:
            if delivery is None:
                raise DeliveryError(f"no delivery for {kind}", permanent=True)
            await delivery(self._context, entry.message)
        except NotYet as later:
            async with self._db.unit_of_work() as uow:
                await uow.outbox.postpone(entry.id, later.when)
                await uow.commit()
            return
        except ChatGone as gone:
            await self._chat_gone(entry, gone)
            return
        except DeliveryError as error:
            await self._failed(entry, error)
            return
        except Exception as error:
            log.error("outbox entry %s (%s) failed: %s", entry.id, kind, where(error))
            await self._failed(entry, DeliveryError(type(error).__name__))
            return
        async with self._db.unit_of_work() as uow:
            await uow.outbox.done(entry.id)
            await uow.commit()

    async def _chat_gone(self, entry: OutboxEntry, gone: ChatGone) -> None:
        chat = gone.chat
        if isinstance(chat, ModeratorsChat):
            # the moderators' chat is gone: unlink it and keep the item until another is linked
            log.warning("community %s lost its moderators' chat: unlinked", chat.community_id)
            async with self._db.unit_of_work() as uow:
                await uow.communities.set_moderation_chat(chat.community_id, None)
                await uow.outbox.postpone(entry.id, self._clock.now() + NO_MODERATION_CHAT_RETRY)
                await uow.commit()
            return
        async with self._db.unit_of_work() as uow:
            if isinstance(chat, CommunityChat):
                log.warning("community %s can't be written to any more: marked inactive", chat.community_id)
                await uow.communities.set_active(chat.community_id, False)
            await self._record_failure(uow, entry, gone.error)
            await uow.commit()

    async def _failed(self, entry: OutboxEntry, error: DeliveryError) -> None:
        async with self._db.unit_of_work() as uow:
            await self._record_failure(uow, entry, error)
            await uow.commit()

    async def _record_failure(self, uow: UnitOfWork, entry: OutboxEntry, error: DeliveryError) -> None:
        if error.permanent or entry.attempts + 1 >= MAX_ATTEMPTS:
            kind = type(entry.message).__name__
            log.warning("outbox entry %s (%s) refused for good: %s", entry.id, kind, error)
            await uow.outbox.fail(entry.id, str(error))
        else:
            wait = error.retry_after or min(2**entry.attempts, MAX_BACKOFF.total_seconds())
            backoff = timedelta(seconds=wait)
            await uow.outbox.retry(entry.id, self._clock.now() + backoff, str(error))
